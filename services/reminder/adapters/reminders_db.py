"""SQL for reminders inside a transaction: lookups, and each decided change as one statement."""

from typing import Any

from sqlalchemy import Row, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.reminder.adapters.tables import reminders, sessions
from services.reminder.domain.change import Change
from services.reminder.domain.model import PENDING, ReminderRow

__all__ = ["RemindersDb", "connected", "to_row"]


def to_row(row: Row[Any]) -> ReminderRow:
    return ReminderRow(**{name: row._mapping[name] for name in ReminderRow.__dataclass_fields__})


def _values(row: ReminderRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ReminderRow.__dataclass_fields__}


def connected() -> Any:
    """The reminder's session is connected now (by the gate)."""
    return (
        select(sessions.c.session)
        .where(sessions.c.session == reminders.c.session, sessions.c.connected.is_(True))
        .exists()
    )


class RemindersDb:
    """The schedule. Every state change is a compare-and-set on the row's current status."""

    async def get(self, conn: AsyncConnection, tenant: str, reminder_id: str) -> ReminderRow | None:
        stmt = select(reminders).where(reminders.c.id == reminder_id, reminders.c.tenant == tenant)
        row = (await conn.execute(stmt)).first()
        return None if row is None else to_row(row)

    async def by_message(
        self, conn: AsyncConnection, tenant: str, message_id: str
    ) -> ReminderRow | None:
        stmt = select(reminders).where(
            reminders.c.message_id == message_id, reminders.c.tenant == tenant
        )
        row = (await conn.execute(stmt)).first()
        return None if row is None else to_row(row)

    async def taken(self, conn: AsyncConnection, reminder_id: str) -> bool:
        """The id is in use, by any tenant."""
        stmt = select(reminders.c.id).where(reminders.c.id == reminder_id)
        return (await conn.execute(stmt)).first() is not None

    async def write(self, conn: AsyncConnection, change: Change) -> bool:
        """Insert a new reminder, or compare-and-set: ``Change.holds_for``, as one UPDATE."""
        after = change.after
        if change.before is None:
            await conn.execute(insert(reminders).values(**_values(after)))
            return True
        before = change.before
        conditions = [
            reminders.c.id == before.id,
            reminders.c.status.in_(sorted(change.expect)),
            reminders.c.attempts == before.attempts,
        ]
        if change.connected:
            conditions.append(connected())
        if change.due_by is not None:
            due = reminders.c.wake_at <= change.due_by
            conditions.append(or_(reminders.c.status == "deferred", due))
        values = {k: v for k, v in _values(after).items() if getattr(before, k) != v}
        stmt = update(reminders).where(*conditions).values(**(values or {"status": after.status}))
        return (await conn.execute(stmt)).rowcount == 1

    async def of_appointment(self, conn: AsyncConnection, appointment_id: str) -> list[ReminderRow]:
        stmt = select(reminders).where(reminders.c.appointment_id == appointment_id)
        return [to_row(r) for r in (await conn.execute(stmt)).all()]

    async def pending_of_session(self, conn: AsyncConnection, session: str) -> list[ReminderRow]:
        stmt = select(reminders).where(
            reminders.c.session == session, reminders.c.status.in_(sorted(PENDING))
        )
        return [to_row(r) for r in (await conn.execute(stmt)).all()]
