"""The files ``wa events`` resumes from: an NDJSON export (its last complete line is the
checkpoint) and a checkpoint file holding the last stream sequence written."""

import os
from pathlib import Path

from cli.events.records import Record, decode_record

__all__ = ["CommandError", "last_record", "read_checkpoint", "write_checkpoint"]

_CHUNK = 1 << 16


class CommandError(Exception):
    """A refusal with a message for the operator; nothing was changed."""


def last_record(path: Path) -> Record | None:
    """The last complete record of an export, after cutting off a partly written last line."""
    with path.open("r+b") as file:
        size = file.seek(0, os.SEEK_END)
        tail = b""
        position = size
        while position > 0 and tail.count(b"\n") < 2:
            step = min(_CHUNK, position)
            position -= step
            file.seek(position)
            tail = file.read(step) + tail
        end = tail.rfind(b"\n")
        if end < 0:  # not even one complete line
            file.truncate(0)
            return None
        if end != len(tail) - 1:
            file.truncate(position + end + 1)  # an interrupted write: redo that event
        line = tail[: end + 1].rsplit(b"\n", 2)[-2]
    try:
        return decode_record(line)
    except ValueError as exc:
        raise CommandError(f"{path}: the last line is not an exported event ({exc})") from exc


def read_checkpoint(path: Path) -> int | None:
    """The last stream sequence written, or None when there is no checkpoint yet."""
    if not path.exists():
        return None
    text = path.read_text().strip()
    if not text.isdigit():
        raise CommandError(f"{path} is not a checkpoint (a stream sequence): {text[:40]!r}")
    return int(text)


def write_checkpoint(path: Path, seq: int) -> None:
    """Replace the checkpoint atomically: a crash leaves the old one or the new one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{seq}\n")
    os.replace(temporary, path)
