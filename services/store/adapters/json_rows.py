"""Each row's reply object built by the database itself, as JSON text: no per-value Python.

A ``RowShape`` is one SQL expression per view: ``json_object`` (SQLite) over the view's
fields in the view's order, its tag first, so that the object decodes as the view (nested
objects: ``json_build_object`` on PostgreSQL). What msgspec would write is written by SQL:
a time as RFC 3339 UTC (``…T…Z``, no fraction when it is zero), booleans as ``true`` and
``false`` (SQLite stores 0 and 1). ``extra`` columns come back raw after the JSON, for
cursors. PostgreSQL: ``row_to_json`` of the fields (see ``_row_to_json``); it spaces nested
objects (``{"a" : 1}``) and writes times its own way; a reader decoding it sees no difference.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import (
    JSON,
    Boolean,
    LargeBinary,
    Select,
    Table,
    Text,
    case,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from runtime.sql.types import UtcDateTime

__all__ = ["Expr", "RowShape", "json_object_of", "media_json", "row_time", "sql_text", "utf8"]

Expr = ColumnElement[Any]


def sql_text(value: str) -> Expr:
    """A string constant written into the SQL (every bind must be a query parameter)."""
    assert "'" not in value and "\\" not in value
    return literal_column(f"'{value}'")


def _n(value: int) -> Expr:
    return literal_column(str(int(value)))


def row_time(value: datetime | str) -> datetime:
    """A time column as the driver returns it (SQLite: its text), aware (for cursors)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _sqlite_time(col: Expr) -> Expr:
    """``YYYY-MM-DD HH:MM:SS.ffffff`` (``UtcDateTime`` on SQLite) -> RFC 3339: the fraction cut
    when it is zero, one ``replace`` (two ``replace`` of the whole text cost a page of 50
    messages 10% more instructions, a CASE of three ``substr`` twice as many)."""
    whole = case((col.op("GLOB")(sql_text("*.000000")), func.substr(col, _n(1), _n(19))), else_=col)
    return func.replace(whole, sql_text(" "), sql_text("T")).op("||")(sql_text("Z"))


def _postgres_time(col: Expr) -> Expr:
    """RFC 3339 in one ``to_char``, without the fraction when it is zero."""
    utc = col.op("AT TIME ZONE")(sql_text("UTC"))
    text = func.to_char(utc, sql_text('YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    return func.replace(text, sql_text(".000000Z"), sql_text("Z"))


def _constant(value: Any, dialect: str) -> Expr:
    """A field with no column: its default, as JSON."""
    encoded = sql_text(msgspec.json.encode(value).decode())
    return func.json(encoded) if dialect == "sqlite" else cast(encoded, JSON)


def _default(field: msgspec.structs.FieldInfo) -> Any:
    if field.default is not msgspec.NODEFAULT:
        return field.default
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    raise ValueError(f"field {field.name!r} has no column and no default")


def _value(col: Any, dialect: str) -> Expr:
    if isinstance(col.type, UtcDateTime):
        return _sqlite_time(col) if dialect == "sqlite" else _postgres_time(col)
    if isinstance(col.type, Boolean) and dialect == "sqlite":
        # json('true') is a constant SQLite evaluates once per statement, not once per row
        return case(
            (col.is_(None), literal_column("NULL")),
            (col != _n(0), func.json(sql_text("true"))),
            else_=func.json(sql_text("false")),
        )
    return col  # type: ignore[no-any-return]


def media_json(table: Table, dialect: str) -> Expr:
    """The stored descriptor with the file's size and digest as stored (NULL: no media)."""
    c = table.c
    if dialect == "sqlite":  # json_set(NULL, ...) is NULL
        size, digest = sql_text("$.size"), sql_text("$.sha256")
        return func.json_set(c.media, size, c.media_size, digest, c.media_sha256)
    size_and_digest = func.jsonb_build_object(
        sql_text("size"), c.media_size, sql_text("sha256"), c.media_sha256
    )
    return cast(c.media, JSONB).op("||")(size_and_digest)  # NULL || … is NULL


def _fields(
    kind: type[msgspec.Struct],
    table: Table,
    dialect: str,
    renamed: dict[str, str] | None,
    special: dict[str, Expr] | None,
    *,
    times: bool = True,
) -> list[tuple[str, Expr]]:
    """(key, value) of each of ``kind``'s fields, its tag first; ``times``: as RFC 3339 text
    (else the column itself)."""
    renamed, special = renamed or {}, special or {}
    config = kind.__struct_config__
    pairs: list[tuple[str, Expr]] = []
    if config.tag_field:
        pairs.append((config.tag_field, sql_text(str(config.tag))))
    for field in msgspec.structs.fields(kind):
        name = renamed.get(field.name, field.name)
        if field.name in special:
            value = special[field.name]
        elif name in table.c:
            plain = not times and isinstance(table.c[name].type, UtcDateTime)
            value = table.c[name] if plain else _value(table.c[name], dialect)
        else:
            value = _constant(_default(field), dialect)
        pairs.append((field.encode_name, value))
    return pairs


def json_object_of(
    kind: type[msgspec.Struct],
    table: Table,
    dialect: str,
    *,
    renamed: dict[str, str] | None = None,
    special: dict[str, Expr] | None = None,
) -> Expr:
    """The JSON object of ``kind`` from a row of ``table`` (a JSON value, to nest or return)."""
    pairs = _fields(kind, table, dialect, renamed, special)
    args = [part for key, value in pairs for part in (sql_text(key), value)]
    return func.json_object(*args) if dialect == "sqlite" else func.json_build_object(*args)


def _row_to_json(
    kind: type[msgspec.Struct],
    table: Table,
    renamed: dict[str, str] | None,
    special: dict[str, Expr] | None,
) -> Expr:
    """PostgreSQL: ``row_to_json`` of a LATERAL row of the fields, named as the view's keys.
    Its backend spent ~40% less than on ``json_build_object`` of the same page of 50 messages
    (measured from ``/proc``: 625 against 1,025 us), where each value costs an output-function
    lookup, and more still on ``to_char``: times come as PostgreSQL writes a ``timestamptz``
    in JSON (RFC 3339, ``+00:00`` in the pool's UTC session, trailing zeros of the fraction
    dropped), which decodes to the same instant. The statement selects from ``table``."""
    pairs = _fields(kind, table, "postgresql", renamed, special, times=False)
    row = select(*(value.label(key) for key, value in pairs)).correlate(table).lateral("v")
    return cast(func.row_to_json(row.table_valued()), Text)


class RowShape:
    """The JSON of ``kind`` from rows of ``table``; ``renamed``: field -> column;
    ``special``: field -> its own expression; ``stored``: the object's own expression, when
    the table keeps it."""

    def __init__(
        self,
        kind: type[msgspec.Struct],
        table: Table,
        dialect: str,
        *,
        renamed: dict[str, str] | None = None,
        special: dict[str, Expr] | None = None,
        extra: tuple[str, ...] = (),
        stored: Expr | None = None,
    ) -> None:
        if stored is not None:  # the table keeps each row's object (see message_view.py)
            built = stored
        elif dialect == "sqlite":
            built = json_object_of(kind, table, dialect, renamed=renamed, special=special)
        else:
            built = _row_to_json(kind, table, renamed, special)
        if dialect == "sqlite":
            # As a blob the driver hands the UTF-8 over as bytes, not decoded into a str each
            # to be joined and encoded again: ``list_messages`` of a page of 50, counted with
            # callgrind, 675k -> 615k instructions a read.
            built = cast(built, LargeBinary)
        self.columns: list[Any] = [built, *(table.c[name] for name in extra)]
        self.index = {name: place for place, name in enumerate(extra, start=1)}
        self.extra = extra
        self._table = table

    def select(self) -> Select[Any]:
        """The rows' objects and ``extra`` columns, from ``table``: add the filters."""
        return select(*self.columns).select_from(self._table)

    @staticmethod
    def joined(rows: Sequence[Sequence[Any]]) -> bytes:
        """The rows' objects (SQLite's, as bytes) as the items of a JSON array (without its
        brackets)."""
        return b",".join([row[0] for row in rows])


def utf8(value: str | bytes) -> bytes:
    """A row's object as bytes: SQLite's come as bytes already, PostgreSQL's as text."""
    return value if type(value) is bytes else str(value).encode()
