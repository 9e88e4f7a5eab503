"""Where the lean reads get their rows: the driver itself, past SQLAlchemy's result layer.

SQLite: one read-only connection of the store file, used on the event loop. The reads are index
ranges of at most ``MAX_PAGE_SIZE + 1`` rows and, in WAL mode, never wait for the writer
(a separate process), so a call costs less than the thread hop aiosqlite would add to it.
PostgreSQL: a small asyncpg pool of its own, made on first use from the engine's URL and
terminated with the engine (``engine.dispose()``); checking a connection out of SQLAlchemy's
pool cost ~100 us a read, and the pool does not reset a connection it gets back (a query
each time). asyncpg keeps each statement prepared.
"""

import asyncio
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

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
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._size = size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        event.listen(engine.sync_engine, "engine_disposed", lambda _: self._terminate())

    async def _connections(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn, min_size=1, max_size=self._size, reset=_kept_as_is,
                    server_settings={"timezone": "UTC"},  # times in JSON: +00:00 (json_rows.py)
                )  # fmt: skip
        return self._pool

    async def rows(self, sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        pool = self._pool or await self._connections()
        async with pool.acquire() as conn:
            rows: Sequence[Sequence[Any]] = await conn.fetch(sql, *params)
            return rows

    def _terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()


async def _kept_as_is(_: Any) -> None:
    """A returned connection needs no server-side reset: it only ever ran single SELECTs,
    outside any transaction (asyncpg's default reset is one more round trip per read)."""


def row_source(engine: AsyncEngine) -> RowSource:
    """The lean row source of the store's database."""
    if not engine.url.drivername.startswith("sqlite"):
        return PostgresRows(engine)
    name = engine.url.database or ""  # a read-only engine's is a URI: file:<path>
    return SqliteRows(Path(name.removeprefix("file:") if engine.url.query.get("uri") else name))
