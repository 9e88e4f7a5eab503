"""A few asyncpg connections for the lean reads, lent out with no more than a list and a queue.

asyncpg's ``Pool`` cost a read ~130 us of CPU on this machine (``select 1`` at 64 reads at a
time: 229 us through a pool of 5, 92 us through this): each ``acquire`` arms a timeout
handle and waits on a queue, each ``release`` runs in a task of its own under ``shield``
and re-arms the inactivity timer. The reads need none of it: single SELECTs, outside any
transaction, so a connection comes back as it went out.

A connection is opened when a read finds none idle and fewer than ``size`` open; otherwise
the read waits, first come first served, for one to come back. A connection whose read
failed by anything but the server refusing the statement (the socket closed, the read
cancelled midway) is closed and not lent again; a read that failed because an idle
connection had died (the server restarted, an administrator ended the backend) runs once
more on a new one: a read changes nothing, so running it again is safe.
"""

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]

__all__ = ["PgConnections"]


def _refused(exc: BaseException) -> bool:
    """The server refused the statement, and the connection is as it was; anything else
    (the socket closed, the backend ended, asyncpg's own state lost, a cancelled read) leaves a
    connection not to be trusted again."""
    return isinstance(exc, asyncpg.PostgresError) and not isinstance(
        exc, asyncpg.PostgresConnectionError
    )


class PgConnections:
    """Up to ``size`` connections to ``dsn``, each with ``server_settings``."""

    def __init__(self, dsn: str, size: int, server_settings: dict[str, str]) -> None:
        self._dsn, self._size, self._settings = dsn, size, server_settings
        self._idle: list[asyncpg.Connection] = []
        self._waiting: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._open = 0  # open or being opened
        self._closed = False

    @property
    def open(self) -> int:
        return self._open

    async def fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one statement."""
        reused = bool(self._idle)
        conn = self._idle.pop() if reused else await self._lent()
        try:
            return await self._fetch_on(conn, sql, params)
        except Exception as exc:
            if not reused or _refused(exc):
                raise
        return await self._fetch_on(await self._lent(), sql, params)  # it died while idle

    async def _fetch_on(
        self, conn: asyncpg.Connection, sql: str, params: Sequence[Any]
    ) -> list[Any]:
        try:
            rows: list[Any] = await conn.fetch(sql, *params)
        except BaseException as exc:  # a cancelled read too: see _refused
            if _refused(exc):
                self._back(conn)
            else:
                self._discard(conn)
            raise
        self._back(conn)
        return rows

    async def _lent(self) -> asyncpg.Connection:
        """A connection of one's own: a new one while fewer than ``size`` are open, else the
        next one to come back."""
        while True:
            if self._closed:
                raise asyncpg.InterfaceError("the store's read connections are closed")
            if self._idle:
                return self._idle.pop()
            if self._open < self._size:
                self._open += 1
                try:
                    return await asyncpg.connect(self._dsn, server_settings=self._settings)
                except BaseException:
                    self._open -= 1
                    self._wake(None)  # a waiter may try to open one in its place
                    raise
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                conn = await waiter
            except asyncio.CancelledError:
                if waiter.cancelled():
                    if waiter in self._waiting:  # else a hand-over passed it by already
                        self._waiting.remove(waiter)
                elif (handed := waiter.result()) is not None:
                    self._back(handed)  # handed over as this read was cancelled
                else:
                    self._wake(None)  # the free place goes to the next one waiting
                raise
            if conn is not None:
                return conn  # None: a slot came free, open one (next turn of the loop)

    def _back(self, conn: asyncpg.Connection) -> None:
        if self._closed or conn.is_closed():
            self._discard(conn)
        elif not self._wake(conn):
            self._idle.append(conn)

    def _discard(self, conn: asyncpg.Connection) -> None:
        conn.terminate()
        self._open -= 1
        if not self._closed:
            self._wake(None)

    def _wake(self, conn: asyncpg.Connection | None) -> bool:
        """Hand ``conn`` (or, None, a free slot) to the first waiter still waiting."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return True
        return False

    def terminate(self) -> None:
        """Close every idle connection now; the lent ones close as they come back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            self._discard(conn)
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_result(None)

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            self._open -= 1
            await conn.close()
        self.terminate()
