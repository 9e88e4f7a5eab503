"""Where the lean reads get their rows: the driver itself, past SQLAlchemy's result layer.

SQLite: one connection of the store file, used on the event loop. The reads are index
ranges of at most ``MAX_PAGE_SIZE + 1`` rows and, in WAL mode, never wait for the writer
(a separate process), so a call costs less than the thread hop aiosqlite would add to it.
PostgreSQL: asyncpg connections of the engine's own pool (``engine.dispose()`` closes
them), asked directly; asyncpg keeps each statement prepared.
"""

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from services.store.adapters.database import sqlite_path

__all__ = ["EngineRows", "RowSource", "SqliteRows", "row_source"]

READER_PRAGMAS = (
    "PRAGMA query_only=1",
    "PRAGMA busy_timeout=1000",  # WAL readers wait only while a crashed writer's log is recovered
    "PRAGMA cache_size=-16384",
)


class RowSource(ABC):
    """Runs one read statement (driver SQL, positional parameters) and returns its rows."""

    @abstractmethod
    async def rows(self, sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]: ...

    @abstractmethod
    async def close(self) -> None:
        """Release what the source holds."""


class SqliteRows(RowSource):
    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self._path, isolation_level=None)
            for pragma in READER_PRAGMAS:
                self._conn.execute(pragma)
        return self._conn

    async def rows(self, sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        return self._connection().execute(sql, params).fetchall()

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class EngineRows(RowSource):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def rows(self, sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        async with self._engine.connect() as conn:
            raw = await conn.get_raw_connection()
            rows: Sequence[Sequence[Any]] = await raw.driver_connection.fetch(sql, *params)  # type: ignore[union-attr]
            return rows

    async def close(self) -> None:
        """Nothing of its own: the connections are the engine's."""


def row_source(engine: AsyncEngine) -> RowSource:
    """The lean row source of the store's database."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    return EngineRows(engine) if path is None else SqliteRows(path)
