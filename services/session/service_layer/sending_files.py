"""The local file a media send reads its bytes from: made empty, removed however the send ends.

They are made in the instance's own directory, emptied when the instance starts, so a file
left by a SIGKILL mid-send is not kept forever (instances sharing a data dir each have one)."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["fresh_sending_dir", "sending_file"]


def fresh_sending_dir(data_dir: Path, instance: str) -> Path:
    """``<data_dir>/sending/<instance>``, emptied: what it held belonged to a dead process."""
    path = data_dir / "sending" / instance
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, mode=0o700)
    return path


@contextmanager
def sending_file(directory: Path | None = None) -> Iterator[Path]:
    """A new private file (mode 0600) in ``directory`` (else the temp dir), deleted on the way
    out."""
    fd, name = tempfile.mkstemp(prefix="wa-send-", dir=directory)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
