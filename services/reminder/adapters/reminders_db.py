"""SQL for reminders: each method is one transaction, staging its events in the outbox."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from runtime.sql.types import UtcDateTime
from services.reminder.adapters.outbox import Outbox
from services.reminder.adapters.tables import reminders, sessions
from services.reminder.domain.model import ReminderRow

__all__ = ["RemindersDb", "to_row"]

_READY = ("scheduled", "retrying")


def to_row(row: Row[Any]) -> ReminderRow:
    return ReminderRow(**{name: row._mapping[name] for name in ReminderRow.__dataclass_fields__})


class RemindersDb:
    """The schedule. Every state change is a compare-and-set on the row's current status."""

    def __init__(self, engine: AsyncEngine, outbox: Outbox) -> None:
        self.engine = engine
        self.outbox = outbox

    async def get(self, tenant: str, reminder_id: str) -> ReminderRow | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(reminders).where(
                        reminders.c.id == reminder_id, reminders.c.tenant == tenant
                    )
                )
            ).first()
        return None if row is None else to_row(row)

    async def by_message(
        self, conn: AsyncConnection, tenant: str, message_id: str
    ) -> ReminderRow | None:
        stmt = select(reminders).where(
            reminders.c.message_id == message_id, reminders.c.tenant == tenant
        )
        row = (await conn.execute(stmt)).first()
        return None if row is None else to_row(row)

    async def taken(self, reminder_id: str) -> bool:
        """The id is in use, by any tenant."""
        async with self.engine.connect() as conn:
            stmt = select(reminders.c.id).where(reminders.c.id == reminder_id)
            return (await conn.execute(stmt)).first() is not None

    async def insert(self, conn: AsyncConnection, row: ReminderRow) -> None:
        values = {name: getattr(row, name) for name in ReminderRow.__dataclass_fields__}
        await conn.execute(insert(reminders).values(**values))

    async def transition(
        self,
        conn: AsyncConnection,
        row: ReminderRow,
        from_status: Sequence[str],
        events: Sequence[Envelope] = (),
        *,
        gate: bool = False,
        due_by: datetime | None = None,
        **values: Any,
    ) -> bool:
        """Move ``row`` on if it still is in ``from_status`` with the same attempt count (with
        ``gate``: only if its session is connected now; with ``due_by``: only if it is due)."""
        conditions = [
            reminders.c.id == row.id,
            reminders.c.status.in_(list(from_status)),
            reminders.c.attempts == row.attempts,
        ]
        if gate:
            conditions.append(self._connected())
        if due_by is not None:
            conditions.append(or_(reminders.c.status == "deferred", reminders.c.wake_at <= due_by))
        result = await conn.execute(update(reminders).where(*conditions).values(**values))
        if result.rowcount != 1:
            return False
        for event in events:
            await self.outbox.stage(conn, event)
        return True

    async def change(
        self,
        row: ReminderRow,
        from_status: Sequence[str],
        events: Sequence[Envelope] = (),
        *,
        gate: bool = False,
        due_by: datetime | None = None,
        **values: Any,
    ) -> bool:
        """``transition`` in its own transaction."""
        async with self.engine.begin() as conn:
            return await self.transition(
                conn, row, from_status, events, gate=gate, due_by=due_by, **values
            )

    async def next_wake(self, now: datetime) -> datetime | None:
        """The earliest future time at which some reminder needs a look."""
        stmt = select(func.min(reminders.c.wake_at)).where(
            reminders.c.status.in_([*_READY, "dispatched"]), reminders.c.wake_at > now
        )
        async with self.engine.connect() as conn:
            value = await conn.scalar(stmt)
        return UtcDateTime().process_result_value(value, self.engine.dialect)

    @staticmethod
    def _connected() -> Any:
        return (
            select(sessions.c.session)
            .where(sessions.c.session == reminders.c.session, sessions.c.connected.is_(True))
            .exists()
        )

    def _ready_clause(self, now: datetime) -> Any:
        waiting = or_(
            and_(reminders.c.status.in_(_READY), reminders.c.wake_at <= now),
            reminders.c.status == "deferred",
        )
        return and_(waiting, self._connected())

    async def due_while_down(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        """Due (or due again) but their session is not connected: to be deferred."""
        stmt = (
            select(reminders)
            .where(
                reminders.c.status.in_(_READY),
                reminders.c.wake_at <= now,
                ~self._connected(),
            )
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [to_row(r) for r in (await conn.execute(stmt)).all()]

    async def overdue_outcomes(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        """Dispatched, and no outcome came back in time."""
        stmt = (
            select(reminders)
            .where(reminders.c.status == "dispatched", reminders.c.wake_at <= now)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [to_row(r) for r in (await conn.execute(stmt)).all()]

    async def sessions_with_ready_work(self, now: datetime) -> list[tuple[str, str]]:
        stmt = select(reminders.c.tenant, reminders.c.session).where(self._ready_clause(now))
        async with self.engine.connect() as conn:
            return sorted({(t, s) for t, s in (await conn.execute(stmt.distinct())).all()})

    async def next_ready(self, session: str, now: datetime) -> ReminderRow | None:
        """The earliest-due reminder of ``session`` that may go now (its session connected)."""
        stmt = (
            select(reminders)
            .where(reminders.c.session == session, self._ready_clause(now))
            .order_by(reminders.c.due_at, reminders.c.id)
            .limit(1)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else to_row(row)

    async def recent_dispatches(self, session: str, since: datetime) -> list[datetime]:
        stmt = select(reminders.c.dispatched_at).where(
            reminders.c.session == session, reminders.c.dispatched_at >= since
        )
        async with self.engine.connect() as conn:
            return [r[0] for r in (await conn.execute(stmt)).all() if r[0] is not None]

    async def of_appointment(self, conn: AsyncConnection, appointment_id: str) -> list[ReminderRow]:
        stmt = select(reminders).where(reminders.c.appointment_id == appointment_id)
        return [to_row(r) for r in (await conn.execute(stmt)).all()]

    async def pending_of_session(self, conn: AsyncConnection, session: str) -> list[ReminderRow]:
        stmt = select(reminders).where(
            reminders.c.session == session,
            reminders.c.status.in_(["scheduled", "deferred", "retrying"]),
        )
        return [to_row(r) for r in (await conn.execute(stmt)).all()]
