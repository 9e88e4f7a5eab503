"""Views built from SQLAlchemy rows (the reads of reminders and appointments use it; sessions,
messages and contacts are read by json_reads.py)."""

from typing import TypeVar

import msgspec
from sqlalchemy.engine import RowMapping

from contracts.media import MediaDescriptor
from contracts.queries import MessageView

__all__ = ["message_view", "view"]

V = TypeVar("V")


def view(kind: type[V], row: RowMapping, **renamed: str) -> V:
    """Build a view from a row; ``renamed`` maps view fields to other column names."""
    fields: tuple[str, ...] = kind.__struct_fields__  # type: ignore[attr-defined]
    return kind(**{f: row[renamed.get(f, f)] for f in fields if renamed.get(f, f) in row})


_media = msgspec.json.Decoder(MediaDescriptor)


def message_view(row: RowMapping) -> MessageView:
    """A message row as its view without the conversation tables (chats show their newest)."""
    message = view(MessageView, row, session="session_id")
    if row["media"] is None:
        return message
    media = _media.decode(row["media"])
    media = msgspec.structs.replace(media, size=row["media_size"], sha256=row["media_sha256"])
    return msgspec.structs.replace(message, media=media)
