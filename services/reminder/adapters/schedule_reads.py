"""SQL reads of the committed schedule, each on a connection of its own (``ScheduleReads``)."""

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from runtime.sql.types import UtcDateTime
from services.reminder.adapters.gate_db import GateDb
from services.reminder.adapters.reminders_db import RemindersDb, connected, to_row
from services.reminder.adapters.tables import reminders
from services.reminder.domain.gate import GateState
from services.reminder.domain.model import ReminderRow

__all__ = ["SqlScheduleReads"]

_READY = ("scheduled", "retrying")


def _ready_clause(now: datetime) -> Any:
    waiting = or_(
        and_(reminders.c.status.in_(_READY), reminders.c.wake_at <= now),
        reminders.c.status == "deferred",
    )
    return and_(waiting, connected())


class SqlScheduleReads:
    def __init__(self, engine: AsyncEngine, gate: GateDb) -> None:
        self.engine = engine
        self._gate = gate
        self._db = RemindersDb()

    async def reminder(self, tenant: str, reminder_id: str) -> ReminderRow | None:
        async with self.engine.connect() as conn:
            return await self._db.get(conn, tenant, reminder_id)

    async def reminder_taken(self, reminder_id: str) -> bool:
        async with self.engine.connect() as conn:
            return await self._db.taken(conn, reminder_id)

    async def gate(self, session: str) -> GateState | None:
        return await self._gate.state(session)

    async def next_wake(self, now: datetime) -> datetime | None:
        stmt = select(func.min(reminders.c.wake_at)).where(
            reminders.c.status.in_([*_READY, "dispatched"]), reminders.c.wake_at > now
        )
        async with self.engine.connect() as conn:
            value = await conn.scalar(stmt)
        return UtcDateTime().process_result_value(value, self.engine.dialect)

    async def due_while_down(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        due = and_(reminders.c.status.in_(_READY), reminders.c.wake_at <= now)
        return await self._rows(select(reminders).where(due, ~connected()).limit(limit))

    async def overdue_outcomes(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        late = and_(reminders.c.status == "dispatched", reminders.c.wake_at <= now)
        return await self._rows(select(reminders).where(late).limit(limit))

    async def sessions_with_ready_work(self, now: datetime) -> list[tuple[str, str]]:
        stmt = select(reminders.c.tenant, reminders.c.session).where(_ready_clause(now))
        async with self.engine.connect() as conn:
            return sorted({(t, s) for t, s in (await conn.execute(stmt.distinct())).all()})

    async def next_ready(self, session: str, now: datetime) -> ReminderRow | None:
        stmt = (
            select(reminders)
            .where(reminders.c.session == session, _ready_clause(now))
            .order_by(reminders.c.due_at, reminders.c.id)
            .limit(1)
        )
        rows = await self._rows(stmt)
        return rows[0] if rows else None

    async def recent_dispatches(self, session: str, since: datetime) -> list[datetime]:
        stmt = select(reminders.c.dispatched_at).where(
            reminders.c.session == session, reminders.c.dispatched_at >= since
        )
        async with self.engine.connect() as conn:
            return [r[0] for r in (await conn.execute(stmt)).all() if r[0] is not None]

    async def _rows(self, stmt: Any) -> list[ReminderRow]:
        async with self.engine.connect() as conn:
            return [to_row(r) for r in (await conn.execute(stmt)).all()]
