"""Driver rows straight into reply objects: one generated expression per view, no ORM.

A ``RowShape`` names the columns a view is read from (in the view's field order, then any
extra columns the query needs) and turns each driver row (a tuple) into the dict that
encodes exactly as the view would: its tag first, then every field. What the drivers hand
back differs only on SQLite, which has no time or boolean type: a time is its stored text
(``UtcDateTime``'s ``YYYY-MM-DD HH:MM:SS.ffffff``, naive UTC) and becomes msgspec's RFC 3339
text here; a boolean is 0 or 1. asyncpg already returns aware UTC datetimes and booleans.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import msgspec
from sqlalchemy import Boolean, Column, Table

from services.store.adapters.sqltypes import UtcDateTime

__all__ = ["RowShape", "Special", "row_time", "sqlite_rfc3339"]

Row = Sequence[Any]
Special = tuple[Callable[..., Any], tuple[str, ...]]  # (convert, the columns it takes)


def sqlite_rfc3339(text: str | None) -> str | None:
    """SQLite's stored time text as msgspec writes the datetime (no fraction when zero)."""
    if text is None:
        return None
    if text.endswith(".000000") or len(text) == 19:
        return text[:10] + "T" + text[11:19] + "Z"
    return text[:10] + "T" + text[11:] + "Z"


def row_time(value: datetime | str) -> datetime:
    """A time column's value as the driver returned it, as an aware datetime (for cursors)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _default(field: msgspec.structs.FieldInfo) -> Any:
    if field.default is not msgspec.NODEFAULT:
        return field.default
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    raise ValueError(f"field {field.name!r} has no column and no default")


def _sqlite_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


class RowShape:
    """How rows of ``table`` become ``kind`` objects; ``renamed``: field -> column."""

    def __init__(
        self,
        kind: type[msgspec.Struct],
        table: Table,
        dialect: str,
        *,
        renamed: dict[str, str] | None = None,
        special: dict[str, Special] | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        renamed, special = renamed or {}, special or {}
        self.columns: list[Column[Any]] = []
        places: dict[str, int] = {}

        def place(name: str) -> str:
            if name not in places:
                places[name] = len(self.columns)
                self.columns.append(table.c[name])
            return f"r[{places[name]}]"

        config = kind.__struct_config__
        parts = [f"{config.tag_field!r}: {config.tag!r}"] if config.tag_field else []
        helpers: dict[str, Any] = {}
        for field in msgspec.structs.fields(kind):
            if field.name in special:
                convert, names = special[field.name]
                helpers[f"s_{field.name}"] = convert
                value = f"s_{field.name}({', '.join(place(n) for n in names)})"
            elif (name := renamed.get(field.name, field.name)) in table.c:
                value = self._converted(table.c[name], place(name), dialect, helpers)
            else:  # no column: the field's default, as the view would encode it
                helpers[f"d_{field.name}"] = _default(field)
                value = f"d_{field.name}"
            parts.append(f"{field.encode_name!r}: {value}")
        for name in extra:
            place(name)
        self.index = dict(places)  # column name -> its place in a row
        source = f"def build(rows):\n    return [{{{', '.join(parts)}}} for r in rows]\n"
        exec(compile(source, f"<rows of {kind.__name__}>", "exec"), helpers)  # our own names
        self._build = cast(Callable[[Sequence[Row]], list[dict[str, Any]]], helpers["build"])

    @staticmethod
    def _converted(column: Column[Any], ref: str, dialect: str, helpers: dict[str, Any]) -> str:
        if dialect != "sqlite":
            return ref
        if isinstance(column.type, UtcDateTime):
            helpers["t"] = sqlite_rfc3339
            return f"t({ref})"
        if isinstance(column.type, Boolean):
            helpers["b"] = _sqlite_bool
            return f"b({ref})"
        return ref

    def objects(self, rows: Sequence[Row]) -> list[dict[str, Any]]:
        """One dict per row, encoding as the view does."""
        return self._build(rows)
