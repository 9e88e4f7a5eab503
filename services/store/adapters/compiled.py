"""Row-change statements compiled once to the driver's SQL; rows bound without per-row Core work.

The projection's hot path: ``executemany`` straight to the driver with positional tuples.
Constants live in the SQL itself (see statements.py), so every placeholder is a parameter of
the row change. Timestamps are bound the way ``UtcDateTime`` would bind them: aware for
PostgreSQL, and for SQLite as its text here already, so that rows reach the SQLite writer
process as plain strings (marshal carries them, and the writer's APSW binds them, None and
bool included, directly: sqlite_library.py).
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import msgspec
from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from runtime.sql.types import UtcDateTime
from services.store.adapters.statements import PREFIX

__all__ = ["CompiledStatement", "sqlite_time"]


def _aware_time(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def sqlite_time(value: datetime) -> str:
    """As ``UtcDateTime`` stores it on SQLite: naive UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if value.tzinfo is UTC:  # what decoded events carry: msgspec's RFC 3339 text, reshaped
        text = _rfc3339(value)  # b'"2026-01-01T00:00:03.001000Z"', or no fraction at all
        if len(text) == 29:
            return text[1:27].decode().replace("T", " ")
        if len(text) == 22:
            return text[1:20].decode().replace("T", " ") + ".000000"
    elif value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


# msgspec formats a datetime in a tenth of isoformat's instructions (946 against 12,685,
# counted with valgrind); hashing one to look it up in a memo costs 3,579, so none is kept.
_rfc3339 = msgspec.json.encode


def _sqlite_time_or_none(value: datetime | None) -> str | None:
    return None if value is None else sqlite_time(value)


def _binder(names: list[str], times: set[int]) -> Callable[..., list[tuple[Any, ...]]]:
    """A function turning parameter dicts into driver rows, one tuple per dict.

    Generated once per statement (as ``collections.namedtuple`` does for its methods): the
    tuple is built in one expression, which is what makes binding cheap per row. A time
    bound in several places is converted once per row.
    """
    fields: list[str] = []
    converted: dict[str, str] = {}  # time parameter -> the local holding its text
    for index, name in enumerate(names):
        if index not in times:
            fields.append(f"p[{name!r}]")
        elif name in converted:
            fields.append(converted[name])
        else:
            converted[name] = local = f"t{len(converted)}"
            fields.append(f"({local} := convert(p[{name!r}]))")
    source = f"def bind(params, convert):\n    return [({', '.join(fields)},) for p in params]\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<row binder>", "exec"), namespace)  # the names are our own identifiers
    return cast(Callable[..., list[tuple[Any, ...]]], namespace["bind"])


class CompiledStatement:
    """One statement as driver SQL, and how to turn a row change's parameters into a tuple."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
        self.sql = compiled.string
        self._convert: Callable[[Any], Any] = (
            _sqlite_time_or_none if dialect.name == "sqlite" else _aware_time
        )
        names: list[str] = []
        time_places: set[int] = set()
        for index, name in enumerate(compiled.positiontup):
            if not name.startswith(PREFIX):
                raise ValueError(f"constant {name!r} must be written into the SQL")
            if not name.removeprefix(PREFIX).isidentifier():
                raise ValueError(f"parameter {name!r} is not an identifier")
            names.append(name.removeprefix(PREFIX))
            if isinstance(compiled.binds[name].type, UtcDateTime):
                time_places.add(index)
        self._bind = _binder(names, time_places)

    def bind(self, params: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return self._bind(params, self._convert)
