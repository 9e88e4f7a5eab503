"""SQL for appointments (their reminders live in the reminders table)."""

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.reminder.adapters.tables import appointments
from services.reminder.domain.model import AppointmentRow

__all__ = ["AppointmentsDb"]


class AppointmentsDb:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get(
        self, conn: AsyncConnection, tenant: str, appointment_id: str
    ) -> AppointmentRow | None:
        stmt = select(appointments).where(
            appointments.c.id == appointment_id, appointments.c.tenant == tenant
        )
        row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return AppointmentRow(
            **{name: row._mapping[name] for name in AppointmentRow.__dataclass_fields__}
        )

    async def taken(self, conn: AsyncConnection, appointment_id: str) -> bool:
        """The id is in use, by any tenant."""
        stmt = select(appointments.c.id).where(appointments.c.id == appointment_id)
        return (await conn.execute(stmt)).first() is not None

    async def insert(self, conn: AsyncConnection, row: AppointmentRow) -> None:
        values = {name: getattr(row, name) for name in AppointmentRow.__dataclass_fields__}
        await conn.execute(insert(appointments).values(**values))

    async def update(
        self, conn: AsyncConnection, appointment_id: str, from_status: str, **values: Any
    ) -> bool:
        result = await conn.execute(
            update(appointments)
            .where(appointments.c.id == appointment_id, appointments.c.status == from_status)
            .values(**values)
        )
        return result.rowcount == 1
