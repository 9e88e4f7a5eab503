"""Where the lean reads get their rows: the driver itself, past SQLAlchemy's result layer.

SQLite: one read-only connection of the store file, used on the event loop. The reads are index
ranges of at most ``MAX_PAGE_SIZE + 1`` rows and, in WAL mode, never wait for the writer
(a separate process), so a call costs less than the thread hop aiosqlite would add to it.
PostgreSQL: a few asyncpg connections of its own (``pg_connections.py``), opened on first use
from the engine's URL and terminated with the engine (``engine.dispose()``); checking a
connection out of SQLAlchemy's pool cost ~100 us a read, asyncpg's own pool ~130 us. asyncpg
keeps each statement prepared.
"""

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from services.store.adapters.pg_connections import PgConnections

__all__ = ["PostgresRows", "RowSource", "SqliteRows", "row_source"]

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
            uri = f"file:{quote(str(self._path))}?mode=ro"  # a reader, as a replica's engine is
            self._conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            for pragma in READER_PRAGMAS:
                self._conn.execute(pragma)
        return self._conn

    async def rows(self, sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        return self._connection().execute(sql, params).fetchall()

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PostgresRows(RowSource):
    def __init__(self, engine: AsyncEngine, size: int = 5) -> None:
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        timezone = {"timezone": "UTC"}  # times in JSON: +00:00 (json_rows.py)
        self._connections = PgConnections(dsn, size, timezone)
        event.listen(engine.sync_engine, "engine_disposed", lambda _: self._connections.terminate())

    async def rows(self, sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        return await self._connections.fetch(sql, params)

    async def close(self) -> None:
        await self._connections.close()


def row_source(engine: AsyncEngine) -> RowSource:
    """The lean row source of the store's database."""
    if not engine.url.drivername.startswith("sqlite"):
        return PostgresRows(engine)
    name = engine.url.database or ""  # a read-only engine's is a URI: file:<path>
    return SqliteRows(Path(name.removeprefix("file:") if engine.url.query.get("uri") else name))
