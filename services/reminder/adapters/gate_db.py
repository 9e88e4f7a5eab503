"""SQL for the connectivity gate (learned from session events), and the consumer's position
(the runtime kit's tracking record)."""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.sql.engine import insert_for
from runtime.sql.tracking import SqlTracking
from services.reminder.adapters.tables import sessions

__all__ = ["GateDb", "GateState"]


@dataclass(frozen=True, kw_only=True)
class GateState:
    tenant: str
    connected: bool
    deleted: bool


class GateDb:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._insert = insert_for(engine.dialect.name)
        self._tracking = SqlTracking(engine)

    async def state(self, session: str) -> GateState | None:
        stmt = select(sessions.c.tenant, sessions.c.connected, sessions.c.deleted).where(
            sessions.c.session == session
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return GateState(tenant=row[0], connected=bool(row[1]), deleted=bool(row[2]))

    async def record(
        self,
        conn: AsyncConnection,
        *,
        tenant: str,
        session: str,
        sequence: int,
        connected: bool = False,
        deleted: bool = False,
    ) -> bool:
        """Apply one session event unless a later one was applied already; True if applied."""
        values = {"connected": connected, "deleted": deleted, "sequence": sequence}
        stmt = self._insert(sessions).values(tenant=tenant, session=session, **values)
        result = await conn.execute(stmt.on_conflict_do_nothing(index_elements=["session"]))
        if result.rowcount == 1:
            return True
        result = await conn.execute(
            update(sessions)
            .where(sessions.c.session == session, sessions.c.sequence < sequence)
            .values(**values)
        )
        return result.rowcount == 1

    async def position(self, name: str) -> int:
        return await self._tracking.position(name)

    async def set_position(self, conn: AsyncConnection, name: str, position: int) -> None:
        await self._tracking.save(conn, name, position)
