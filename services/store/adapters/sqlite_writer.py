"""SQLite writes in one dedicated thread: a whole batch is one hop, not one per statement.

aiosqlite hands every call (cursor, executemany, close) to its thread and back; on a busy
machine each hop waits for the scheduler, and a batch makes thousands. Here the batch's
transaction runs start to finish in a thread of its own, with the synchronous driver.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from services.store.adapters.database import sqlite_pragmas

__all__ = ["SqliteWriter"]

T = TypeVar("T")


class SqliteWriter:
    """Runs ``fn(connection, *args)`` in one transaction on the writer thread."""

    def __init__(self, url: URL) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._engine = create_engine(
            url.set(drivername="sqlite"),
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
        event.listen(self._engine, "connect", sqlite_pragmas)

    def _in_transaction(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self._engine.begin() as conn:
            return fn(conn, *args)

    async def transaction(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._in_transaction, fn, args)

    def close(self) -> None:
        self._engine.dispose()
        self._executor.shutdown(wait=False)
