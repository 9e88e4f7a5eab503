"""SQL for the connectivity gate, learned from session events."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.sql.engine import insert_for
from services.reminder.adapters.tables import sessions
from services.reminder.domain.gate import GateState

__all__ = ["GateDb"]


class GateDb:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._insert = insert_for(engine.dialect.name)

    async def state(self, session: str) -> GateState | None:
        stmt = select(sessions).where(sessions.c.session == session)
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return GateState(tenant=row.tenant, session=row.session, connected=bool(row.connected),
                         deleted=bool(row.deleted), sequence=row.sequence)  # fmt: skip

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
