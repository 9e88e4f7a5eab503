"""The local file a media send reads its bytes from: made empty, removed however the send ends."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["sending_file"]


@contextmanager
def sending_file() -> Iterator[Path]:
    """A new private file (mode 0600) in the temp directory, deleted on the way out."""
    fd, name = tempfile.mkstemp(prefix="wa-send-")
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
