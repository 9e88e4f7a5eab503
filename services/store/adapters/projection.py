"""The SQL projection: applies a batch of events and its position in one transaction."""

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.events import SessionConnected, SessionCreated, SessionDisconnected, SessionLoggedOut
from runtime.consumer import Delivered
from services.store.adapters.tables import positions, sessions

PROJECTION = "store"


class SqlProjection:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    async def position(self) -> int:
        async with self._engine.connect() as conn:
            value = await conn.scalar(
                select(positions.c.position).where(positions.c.name == PROJECTION)
            )
        return int(value or 0)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        async with self._engine.begin() as conn:
            for item in batch:
                await self._apply_one(conn, item)
            stmt = self._insert(positions).values(name=PROJECTION, position=batch[-1].sequence)
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[positions.c.name], set_={"position": stmt.excluded.position}
                )
            )

    async def _apply_one(self, conn: AsyncConnection, item: Delivered) -> None:
        env = item.event
        where = (sessions.c.id == env.session) & (sessions.c.tenant == env.tenant)
        match env.payload:
            case SessionCreated(name=name):
                stmt = self._insert(sessions).values(
                    id=env.session,
                    tenant=env.tenant,
                    name=name,
                    status="new",
                    created_at=env.occurred_at,
                )
                await conn.execute(stmt.on_conflict_do_nothing(index_elements=[sessions.c.id]))
            case SessionConnected() as ev:
                await conn.execute(
                    update(sessions)
                    .where(where)
                    .values(
                        status="connected",
                        phone_number=ev.phone_number,
                        jid=ev.jid,
                        push_name=ev.push_name,
                        last_connected_at=env.occurred_at,
                    )
                )
            case SessionDisconnected() as ev:
                status = "reconnecting" if ev.will_retry else "needs_attention"
                await conn.execute(
                    update(sessions)
                    .where(where)
                    .values(
                        status=status,
                        last_disconnected_at=env.occurred_at,
                        last_disconnect_reason=ev.reason,
                    )
                )
            case SessionLoggedOut() as ev:
                status = "banned" if ev.reason == "banned" else "logged_out"
                await conn.execute(
                    update(sessions)
                    .where(where)
                    .values(
                        status=status,
                        last_disconnected_at=env.occurred_at,
                        last_disconnect_reason=ev.reason,
                    )
                )
            case _:
                pass
