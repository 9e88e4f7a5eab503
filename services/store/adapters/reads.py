"""Views built from SQLAlchemy rows (the reads of reminders, appointments and chats use
them; sessions, messages and contacts are read by json_reads.py)."""

from typing import TypeVar

import msgspec
from sqlalchemy.engine import RowMapping

from contracts.queries import MessageView

__all__ = ["message_view", "view"]

V = TypeVar("V")


def view(kind: type[V], row: RowMapping, **renamed: str) -> V:
    """Build a view from a row; ``renamed`` maps view fields to other column names."""
    fields: tuple[str, ...] = kind.__struct_fields__  # type: ignore[attr-defined]
    return kind(**{f: row[renamed.get(f, f)] for f in fields if renamed.get(f, f) in row})


_message = msgspec.json.Decoder(MessageView)


def message_view(row: RowMapping) -> MessageView:
    """A message row as its view, the JSON the database keeps with it (message_view.py):
    without its reactions and earlier texts (a chat shows its newest message so)."""
    return _message.decode(row["view"])
