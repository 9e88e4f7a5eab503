"""The implementations every abstract port suite runs against: in memory, a SQLite file, and
PostgreSQL (skipped, saying why, when unreachable). A suite is a base class whose tests use
the ``backend`` fixture; each subclass mixes in one of the classes here, as the eventsourcing
library's recorder tests do."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from runtime.outbox import MemoryOutbox, OutboxStore
from runtime.sql.engine import create_tables, open_engine
from runtime.sql.outbox import SqlOutbox, add_outbox_table
from runtime.sql.tracking import SqlTracking, add_tracking_table
from runtime.sql.unit_of_work import SqlTransaction, SqlUnitOfWork
from runtime.tracking import MemoryTracking, Tracking
from runtime.unit_of_work import MemoryTransaction, MemoryUnitOfWork, UnitOfWork

__all__ = ["Backend", "FakeClock", "InMemory", "Postgres", "SqliteFile", "emptied"]


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Backend:
    """One implementation of every port, sharing one store."""

    uow: UnitOfWork[Any]
    tracking: Tracking[Any]
    outbox: OutboxStore[Any]
    clock: FakeClock
    port_tx: Callable[[Any], Any]  # a unit of work's transaction -> the ports' ``tx``
    effect: Callable[[Any, str], Awaitable[None]]  # a service's own change, in the tx
    effects: Callable[[], Awaitable[set[str]]]  # the committed changes
    outbox_of: Callable[[str], OutboxStore[Any]]  # another instance's outbox, same store
    reopen: Callable[[], Awaitable["Backend"]]  # a new process on the same store


def memory_backend() -> Backend:
    clock = FakeClock()
    outbox = MemoryOutbox("a", clock)
    uow = MemoryUnitOfWork(MemoryTracking(), outbox)
    done: set[str] = set()

    async def effect(tx: MemoryTransaction, key: str) -> None:
        tx.defer(lambda: done.add(key))

    async def effects() -> set[str]:
        return set(done)

    async def reopen() -> Backend:
        return backend

    backend = Backend(
        uow=uow,
        tracking=uow.tracking,
        outbox=outbox,
        clock=clock,
        port_tx=lambda tx: tx,
        effect=effect,
        effects=effects,
        outbox_of=outbox.sibling,
        reopen=reopen,
    )
    return backend


metadata = MetaData()
add_tracking_table(metadata)
add_outbox_table(metadata)
effects_table = Table("effects", metadata, Column("key", String(64), primary_key=True))


async def sql_backend(url: str, engines: list[AsyncEngine], clock: FakeClock) -> Backend:
    engine = open_engine(url)
    engines.append(engine)
    await create_tables(engine, metadata)
    outbox = SqlOutbox(engine, "a", clock)
    uow = SqlUnitOfWork(engine, outbox=outbox)

    async def effect(tx: SqlTransaction, key: str) -> None:
        await tx.connection.execute(insert(effects_table).values(key=key))

    async def effects() -> set[str]:
        async with engine.connect() as conn:
            return set((await conn.execute(select(effects_table.c.key))).scalars())

    backend = Backend(
        uow=uow,
        tracking=SqlTracking(engine),
        outbox=outbox,
        clock=clock,
        port_tx=lambda tx: tx.connection,
        effect=effect,
        effects=effects,
        outbox_of=lambda instance: SqlOutbox(engine, instance, clock),
        reopen=lambda: sql_backend(url, engines, clock),
    )
    return backend


class InMemory:
    @pytest.fixture
    async def backend(self) -> AsyncIterator[Backend]:
        yield memory_backend()


class SqliteFile:
    @pytest.fixture
    async def backend(self, tmp_path: Path) -> AsyncIterator[Backend]:
        engines: list[AsyncEngine] = []
        url = f"sqlite+aiosqlite:///{tmp_path / 'kit.db'}"
        yield await sql_backend(url, engines, FakeClock())
        for engine in engines:
            await engine.dispose()


async def emptied(url: str, tables: MetaData) -> str:
    engine = open_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(tables.drop_all)
    await engine.dispose()
    return url


class Postgres:
    pytestmark = pytest.mark.postgres

    @pytest.fixture
    async def backend(self, postgres_url: str) -> AsyncIterator[Backend]:
        engines: list[AsyncEngine] = []
        yield await sql_backend(await emptied(postgres_url, metadata), engines, FakeClock())
        for engine in engines:
            await engine.dispose()
