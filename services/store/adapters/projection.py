"""The SQL projection: applies a batch of events and its position in one transaction."""

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.consumer import Delivered
from runtime.sql.engine import sqlite_path
from runtime.sql.tracking import position_query, save_statement
from runtime.sql.tracking import read_position as read_consumer_position
from services.store.adapters.compiled import CompiledStatement
from services.store.adapters.group_statements import build_group_statements
from services.store.adapters.sqlite_writer import AlreadyApplied, SqliteWriter, Write
from services.store.adapters.statements import PREFIX, build_statements
from services.store.domain.batching import plan_runs
from services.store.domain.rules import changes_for

__all__ = ["PROJECTION", "PreparedBatch", "SqlProjection", "read_position"]

PROJECTION = "store"
P_POSITION: Any = bindparam(PREFIX + "position")
LITERAL = {"literal_binds": True}


async def read_position(conn: AsyncConnection, *, lock: bool = False) -> int:
    return await read_consumer_position(conn, PROJECTION, lock=lock)


class PreparedBatch(list[Delivered]):
    """A batch with its SQLite transaction already computed and encoded."""

    request: bytes


class SqlProjection:
    """Projects events into the tables; each batch is one transaction with its position.

    Events at or below the recorded position are skipped, so a redelivery changes nothing.
    On SQLite the transactions run in a writer process (see sqlite_writer.py); ``prepare``
    computes a batch's rows while the previous batch is still being written.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = engine.dialect.name
        self._statements = {
            op: [CompiledStatement(s, engine.dialect) for s in statements]
            for op, statements in {
                **build_statements(dialect),
                **build_group_statements(dialect),
            }.items()
        }
        self._save_position = CompiledStatement(
            save_statement(dialect, bindparam(PREFIX + "consumer"), P_POSITION), engine.dialect
        )
        self._sqlite = sqlite_path(str(engine.url)) if dialect == "sqlite" else None
        self._writer: SqliteWriter | None = None
        self._starting = asyncio.Lock()
        self._sent: int | None = None  # the last sequence sent to the writer: the next's "after"
        # On SQLite the next seven batches may wait while this one commits (in the writer's
        # pipe, or in their send once its 1 MiB is full): the event loop goes on preparing
        # through the writer's slower commits and the scheduler's pauses on a busy machine,
        # and while the writer commits a group of those that waited (sqlite_writer.py), the
        # next ones are prepared (with four, the event loop stalled behind a group of four).
        self.in_flight = 8 if self._sqlite is not None else 1

    async def position(self) -> int:
        async with self._engine.connect() as conn:
            return await read_position(conn)

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        """The batch, with its SQLite transaction computed ahead (pure CPU, no database)."""
        if self._sqlite is None or not batch:
            return batch
        prepared = PreparedBatch(batch)
        prepared.request = SqliteWriter.encode(batch[0].sequence, self._all_writes(batch))
        return prepared

    async def apply(self, batch: Sequence[Delivered]) -> None:
        if not batch:
            return
        if self._sqlite is not None:
            await self._apply_sqlite(batch)
            return
        async with self._engine.begin() as conn:
            done = await read_position(conn, lock=True)
            fresh = [item for item in batch if item.sequence > done]
            if not fresh:
                return  # a redelivery of what this database already holds
            for statement, rows in self._all_writes(fresh):
                await conn.exec_driver_sql(statement, rows)

    async def _apply_sqlite(self, batch: Sequence[Delivered]) -> None:
        writer = await self._running_writer()
        request = batch.request if isinstance(batch, PreparedBatch) else None
        # Sent in the order of the calls (nothing awaited before the send): each batch
        # expects the database at the end of the one sent before it.
        after, self._sent = self._sent, batch[-1].sequence
        while batch:
            if request is None:
                request = SqliteWriter.encode(batch[0].sequence, self._all_writes(batch))
            try:
                await writer.transaction(request, after)
                return
            except AlreadyApplied as applied:  # a redelivery of what this database holds
                batch = [item for item in batch if item.sequence > applied.position]
                request, after = None, None

    async def _running_writer(self) -> SqliteWriter:
        assert self._sqlite is not None
        async with self._starting:
            if self._writer is None or self._writer.closed:
                if self._writer is not None:
                    await self._writer.aclose()
                sql = str(position_query(PROJECTION).compile(compile_kwargs=LITERAL))
                self._writer = await SqliteWriter.start(self._sqlite, sql)
                self._sent = None  # a new writer: the database is wherever it is
            return self._writer

    def _all_writes(self, fresh: Sequence[Delivered]) -> list[Write]:
        """(driver SQL, rows) in the order to execute them: the events' row changes, batched,
        then the position."""
        changes = [c for item in fresh for c in changes_for(item.sequence, item.event)]
        writes: list[Write] = [
            (statement.sql, statement.bind(run.params))
            for run in plan_runs(changes)
            for statement in self._statements[run.op]
        ]
        position = {"consumer": PROJECTION, "position": fresh[-1].sequence}
        writes.append((self._save_position.sql, self._save_position.bind([position])))
        return writes

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer.aclose()
            self._writer = None
