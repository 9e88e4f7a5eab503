"""The lean reads' PostgreSQL connections: never more than their number, a refused statement
leaves its connection in use, a connection that died while idle costs no read, a cancelled
read gives its place back, and closing refuses further reads. On the test server; skipped,
saying why, when it is unreachable."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg  # type: ignore[import-untyped]
import pytest

from services.store.adapters.pg_connections import PgConnections
from tests.support.postgres import scratch_database
from tests.support.waiting import eventually

PID = "select pg_backend_pid()"


def async_true(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return check()

    return probe


@pytest.fixture
async def dsn() -> AsyncIterator[str]:
    async with scratch_database("wa_pgconn") as url:
        yield url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def admin(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn)
    yield conn
    await conn.close()


async def backend(conns: PgConnections) -> int:
    (row,) = await conns.fetch(PID, [])
    return int(row[0])


async def test_reads_share_at_most_their_number_of_connections(dsn: str) -> None:
    conns = PgConnections(dsn, 3, {"application_name": "wa-test"})
    rows = await asyncio.gather(
        *(
            conns.fetch("select pg_backend_pid(), $1::int from pg_sleep(0.02)", [n])
            for n in range(20)
        )
    )
    assert sorted(row[0][1] for row in rows) == list(range(20))  # each read its own answer
    assert len({row[0][0] for row in rows}) <= 3
    assert conns.open <= 3
    (setting,) = await conns.fetch("show application_name", [])
    assert setting[0] == "wa-test"
    await conns.close()
    assert conns.open == 0


async def test_a_refused_statement_keeps_its_connection(dsn: str) -> None:
    conns = PgConnections(dsn, 1, {})
    before = await backend(conns)
    with pytest.raises(asyncpg.DivisionByZeroError):
        await conns.fetch("select 1 / $1::int", [0])
    assert await backend(conns) == before
    assert conns.open == 1
    await conns.close()


async def test_a_connection_that_died_while_idle_costs_no_read(
    dsn: str, admin: asyncpg.Connection
) -> None:
    conns = PgConnections(dsn, 2, {})
    first = await backend(conns)
    assert await admin.fetchval("select pg_terminate_backend($1)", first)
    again = await backend(conns)  # the dead one is dropped and the read runs on a new one
    assert again != first
    assert conns.open == 1
    await conns.close()


async def test_cancelled_reads_give_their_places_back(dsn: str) -> None:
    conns = PgConnections(dsn, 2, {})
    started = [asyncio.ensure_future(conns.fetch("select pg_sleep(30)", [])) for _ in range(5)]
    await eventually(async_true(lambda: conns.open == 2))  # two running, three waiting
    for read in started:
        read.cancel()
    results = await asyncio.gather(*started, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results), results
    assert conns.open == 0  # the two cut off midway are closed, not lent again
    assert await conns.fetch("select 7", []) == [(7,)]
    assert conns.open == 1
    await conns.close()


async def test_closed_connections_refuse_reads(dsn: str) -> None:
    conns = PgConnections(dsn, 1, {})
    held = asyncio.ensure_future(conns.fetch("select pg_sleep(0.2)", []))
    waiting = asyncio.ensure_future(conns.fetch("select 1", []))
    await eventually(async_true(lambda: conns.open == 1))
    conns.terminate()
    with pytest.raises(asyncpg.InterfaceError):
        await waiting
    await held  # a read already running finishes; its connection is closed as it comes back
    assert conns.open == 0
    with pytest.raises(asyncpg.InterfaceError):
        await conns.fetch("select 1", [])
