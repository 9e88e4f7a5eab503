"""Row-change statements compiled once to the driver's SQL; rows bound without per-row Core work.

The projection's hot path: ``executemany`` straight to the driver with positional tuples.
Constants live in the SQL itself (see statements.py), so every placeholder is a parameter of
the row change; timestamps are made aware here for PostgreSQL the way ``UtcDateTime`` would,
and turned into SQLite's text by the SQLite writer process.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from services.store.adapters.sqltypes import UtcDateTime
from services.store.adapters.statements import PREFIX

__all__ = ["CompiledStatement"]


def _aware_time(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _binder(names: list[str], times: set[int]) -> Callable[..., list[tuple[Any, ...]]]:
    """A function turning parameter dicts into driver rows, one tuple per dict.

    Generated once per statement (as ``collections.namedtuple`` does for its methods): the
    tuple is built in one expression, which is what makes binding cheap per row.
    """
    fields = [
        f"convert(p[{name!r}])" if index in times else f"p[{name!r}]"
        for index, name in enumerate(names)
    ]
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
        # SQLite: the writer process turns datetimes into text (see sqlite_writer.py).
        convert_times = dialect.name != "sqlite"
        names: list[str] = []
        times: set[int] = set()
        for index, name in enumerate(compiled.positiontup):
            if not name.startswith(PREFIX):
                raise ValueError(f"constant {name!r} must be written into the SQL")
            if not name.removeprefix(PREFIX).isidentifier():
                raise ValueError(f"parameter {name!r} is not an identifier")
            names.append(name.removeprefix(PREFIX))
            if convert_times and isinstance(compiled.binds[name].type, UtcDateTime):
                times.add(index)
        self._bind = _binder(names, times)

    def bind(self, params: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return self._bind(params, _aware_time)
