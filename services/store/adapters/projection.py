"""The SQL projection: applies a batch of events and its position in one transaction."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.consumer import Delivered
from services.store.adapters.compiled import CompiledStatement
from services.store.adapters.statements import build_statements
from services.store.adapters.tables import positions
from services.store.domain.batching import plan_runs
from services.store.domain.rules import changes_for

__all__ = ["PROJECTION", "SqlProjection", "read_position"]

PROJECTION = "store"


async def read_position(conn: AsyncConnection, *, lock: bool = False) -> int:
    stmt = select(positions.c.position).where(positions.c.name == PROJECTION)
    if lock and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return int(await conn.scalar(stmt) or 0)


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

    async def position(self) -> int:
        async with self._engine.connect() as conn:
            return await read_position(conn)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        async with self._engine.begin() as conn:
            done = await read_position(conn, lock=True)
            fresh = [item for item in batch if item.sequence > done]
            if not fresh:
                return  # a redelivery of what this database already holds
            changes = [c for item in fresh for c in changes_for(item.sequence, item.event)]
            for run in plan_runs(changes):
                for statement in self._statements[run.op]:
                    await statement.execute(conn, run.params)
            position = {"name": PROJECTION, "position": fresh[-1].sequence}
            await conn.execute(self._save_position, position)
