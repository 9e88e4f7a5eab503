"""Row-change statements compiled once to the driver's SQL; rows bound without per-row Core work.

The projection's hot path: ``executemany`` straight to the driver with positional tuples.
Constants live in the SQL itself (see statements.py), so every placeholder is a parameter of
the row change; timestamps are converted here the way ``UtcDateTime`` would.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from services.store.adapters.sqltypes import UtcDateTime
from services.store.adapters.statements import PREFIX

__all__ = ["CompiledStatement"]


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _aware_time(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class CompiledStatement:
    """One statement as driver SQL, and how to turn a row change's parameters into a tuple."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
        self.sql = compiled.string
        self._time = _sqlite_time if dialect.name == "sqlite" else _aware_time
        names: list[str] = []
        self._times: list[int] = []
        for index, name in enumerate(compiled.positiontup):
            if not name.startswith(PREFIX):
                raise ValueError(f"constant {name!r} must be written into the SQL")
            names.append(name.removeprefix(PREFIX))
            if isinstance(compiled.binds[name].type, UtcDateTime):
                self._times.append(index)
        self._get = itemgetter(*names) if len(names) > 1 else lambda p: (p[names[0]],)

    def bind(self, params: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        get, times = self._get, self._times
        if not times:
            return [get(p) for p in params]
        seen: dict[datetime, Any] = {}  # the same instants recur across a batch's rows
        rows = []
        for p in params:
            row = list(get(p))
            for i in times:
                value = row[i]
                if value is not None:
                    converted = seen.get(value)
                    if converted is None:
                        converted = seen[value] = self._time(value)
                    row[i] = converted
            rows.append(tuple(row))
        return rows
