"""The SQL projection: applies a batch of events and its position in one transaction."""

import asyncio
import re
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
from services.store.adapters.sqlite_writer import AlreadyApplied, SqliteWriter, Write, WriterFailed
from services.store.adapters.statements import PREFIX, build_statements
from services.store.adapters.tables import contacts
from services.store.domain.batching import plan_runs
from services.store.domain.known_contacts import KnownContacts
from services.store.domain.rules import changes_for

__all__ = ["PROJECTION", "PreparedBatch", "SqlProjection", "read_position"]

PROJECTION = "store"
P_POSITION: Any = bindparam(PREFIX + "position")
LITERAL = {"literal_binds": True}
_WRITES = r"\s*(?:INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM|REPLACE INTO)\s+{}\b"


async def read_position(conn: AsyncConnection, *, lock: bool = False) -> int:
    return await read_consumer_position(conn, PROJECTION, lock=lock)


class PreparedBatch(list[Delivered]):
    """A batch with its SQLite transaction already computed and encoded, as things stood
    then (``epoch``: computed again if the projection started over since)."""

    request: bytes
    epoch: int


class SqlProjection:
    """Projects events into the tables; each batch is one transaction with its position.

    Events at or below the recorded position are skipped, so a redelivery changes nothing.
    On SQLite the transactions run in a writer process (see sqlite_writer.py); ``prepare``
    computes a batch's rows while the previous batch is still being written. Once a batch
    has failed, every later one is refused until the position is read again: one begun
    before the consumer saw the failure would otherwise go to the next writer over the gap.
    Contact changes that would change nothing are left out (known_contacts.py); what is
    known of the contacts is forgotten whenever the projection starts over.
    """

    def __init__(self, engine: AsyncEngine, *, remember_contacts: bool = True) -> None:
        """``remember_contacts``: leave out the contact changes that would change nothing (off:
        every change is sent, as the tests compare)."""
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
        self._failed = False  # a batch failed: the next ones wait for the position to be read
        self._epoch = 0  # how many times the projection started over
        self._committed: int | None = None  # PostgreSQL: the position this one last committed
        writing = re.compile(_WRITES.format(contacts.name), re.IGNORECASE)
        writes_contacts = [
            op
            for op, compiled in self._statements.items()
            if any(writing.match(c.sql) for c in compiled)
        ]
        self._known = KnownContacts(writes_contacts) if remember_contacts else None
        # On SQLite the next seven batches may wait while this one commits (in the writer's
        # pipe, or in their send once its 1 MiB is full): the event loop goes on preparing
        # through the writer's slower commits and the scheduler's pauses on a busy machine,
        # and while the writer commits a group of those that waited (sqlite_writer.py), the
        # next ones are prepared (with four, the event loop stalled behind a group of four).
        self.in_flight = 8 if self._sqlite is not None else 1
        # Events per pull, so per batch: on SQLite a commit writes every page its batch
        # changed, and an incoming message changes pages all over the chat indexes, so
        # bigger batches write fewer pages an event. Measured with bench.store_projection's
        # rounds on 100,000 message.received, alternating: store / raw 0.44 (six rounds) at
        # 1,000, 0.43-0.49 (median 0.47) at 2,000, 0.39-0.46 at 4,000.
        self.batch_size = 2000 if self._sqlite is not None else 1000

    async def position(self) -> int:
        """The recorded position, from which the consumer (re)starts: the projection starts
        over too (another may have written since: a lease taken over and back)."""
        async with self._engine.connect() as conn:
            position = await read_position(conn)
        self._failed = False
        self._start_over()
        return position

    def _start_over(self) -> None:
        """After a failure or a refusal: what was prepared and known before is not trusted."""
        self._epoch += 1
        if self._known is not None:
            self._known.forget()

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        """The batch, with its SQLite transaction computed ahead (pure CPU, no database)."""
        if self._sqlite is None or not batch:
            return batch
        prepared = PreparedBatch(batch)
        prepared.request = SqliteWriter.encode(batch[0].sequence, self._all_writes(batch))
        prepared.epoch = self._epoch
        return prepared

    async def apply(self, batch: Sequence[Delivered]) -> None:
        if not batch:
            return
        if self._sqlite is not None:
            await self._apply_sqlite(batch)
            return
        try:
            async with self._engine.begin() as conn:
                done = await read_position(conn, lock=True)
                if done != self._committed:  # written by another since (or a first batch)
                    self._start_over()
                fresh = [item for item in batch if item.sequence > done]
                if not fresh:
                    return  # a redelivery of what this database already holds
                for statement, rows in self._all_writes(fresh):
                    await conn.exec_driver_sql(statement, rows)
            self._committed = fresh[-1].sequence
        except BaseException:
            self._start_over()  # rolled back: what it wrote is not known
            raise

    async def _apply_sqlite(self, batch: Sequence[Delivered]) -> None:
        if self._failed:
            raise WriterFailed("a batch before it failed: start over from the recorded position")
        writer = await self._running_writer()
        request = None
        if isinstance(batch, PreparedBatch) and batch.epoch == self._epoch:
            request = batch.request
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
                self._start_over()
                batch = [item for item in batch if item.sequence > applied.position]
                request, after = None, None
            except asyncio.CancelledError:  # stopping: it may still commit, or not
                self._start_over()
                raise
            except BaseException:
                self._failed = True
                self._start_over()
                raise

    async def _running_writer(self) -> SqliteWriter:
        assert self._sqlite is not None
        async with self._starting:
            if self._writer is None or self._writer.closed:
                if self._writer is not None:
                    await self._writer.aclose()  # it failed: the projection started over
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
            for run in plan_runs(changes, self._known)
            for statement in self._statements[run.op]
        ]
        position = {"consumer": PROJECTION, "position": fresh[-1].sequence}
        writes.append((self._save_position.sql, self._save_position.bind([position])))
        return writes

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer.aclose()
            self._writer = None
