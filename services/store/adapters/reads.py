"""Views built from SQLAlchemy rows (the reads of reminders and appointments use it; sessions,
messages and contacts are read by json_reads.py)."""

from typing import TypeVar

from sqlalchemy.engine import RowMapping

__all__ = ["view"]

V = TypeVar("V")


def view(kind: type[V], row: RowMapping, **renamed: str) -> V:
    """Build a view from a row; ``renamed`` maps view fields to other column names."""
    fields: tuple[str, ...] = kind.__struct_fields__  # type: ignore[attr-defined]
    return kind(**{f: row[renamed.get(f, f)] for f in fields if renamed.get(f, f) in row})
