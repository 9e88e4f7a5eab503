"""The SQL projection: applies a batch of events and its position in one transaction."""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.consumer import Delivered
from services.store.adapters.compiled import CompiledStatement
from services.store.adapters.sqlite_writer import SqliteWriter
from services.store.adapters.statements import build_statements
from services.store.adapters.tables import positions
from services.store.domain.batching import plan_runs
from services.store.domain.rules import changes_for

__all__ = ["PROJECTION", "SqlProjection", "read_position"]

PROJECTION = "store"


def _position_query(dialect: str, lock: bool) -> Select[tuple[int]]:
    stmt = select(positions.c.position).where(positions.c.name == PROJECTION)
    return stmt.with_for_update() if lock and dialect == "postgresql" else stmt


async def read_position(conn: AsyncConnection, *, lock: bool = False) -> int:
    return int(await conn.scalar(_position_query(conn.dialect.name, lock)) or 0)


class SqlProjection:
    """Projects events into the tables; each batch is one transaction with its position.

    Events at or below the recorded position are skipped, so a redelivery changes nothing.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = engine.dialect.name
        self._statements = {
            op: [CompiledStatement(s, engine.dialect) for s in statements]
            for op, statements in build_statements(dialect).items()
        }
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(positions)
        self._save_position = stmt.on_conflict_do_update(
            index_elements=[positions.c.name], set_={"position": stmt.excluded.position}
        )
        self._writer: SqliteWriter | None = None

    async def position(self) -> int:
        async with self._engine.connect() as conn:
            return await read_position(conn)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        if self._engine.dialect.name == "sqlite":
            if self._writer is None:
                self._writer = SqliteWriter(self._engine.url)
            await self._writer.transaction(self._apply_sync, batch)
            return
        async with self._engine.begin() as conn:
            done = await read_position(conn, lock=True)
            fresh = [item for item in batch if item.sequence > done]
            if not fresh:
                return  # a redelivery of what this database already holds
            for statement, rows in self._writes(fresh):
                await conn.exec_driver_sql(statement, rows)
            position = {"name": PROJECTION, "position": fresh[-1].sequence}
            await conn.execute(self._save_position, position)

    def _apply_sync(self, conn: Connection, batch: Sequence[Delivered]) -> None:
        """The same transaction as ``apply``, on the SQLite writer thread."""
        done = int(conn.scalar(_position_query("sqlite", False)) or 0)
        fresh = [item for item in batch if item.sequence > done]
        if not fresh:
            return
        for statement, rows in self._writes(fresh):
            conn.exec_driver_sql(statement, rows)
        conn.execute(self._save_position, {"name": PROJECTION, "position": fresh[-1].sequence})

    def _writes(self, fresh: Sequence[Delivered]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """(driver SQL, rows) in the order to execute them: the events' row changes, batched."""
        changes = [c for item in fresh for c in changes_for(item.sequence, item.event)]
        for run in plan_runs(changes):
            for statement in self._statements[run.op]:
                yield statement.sql, statement.bind(run.params)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
