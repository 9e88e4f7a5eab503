"""The unit of work on SQL (runtime.sql.unit_of_work): one database transaction holding the
reminders' changes, the gate, the consumer's position and the outbox's staged events."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict

from runtime.sql.unit_of_work import SqlTransaction, SqlUnitOfWork
from services.reminder.adapters.appointments_db import AppointmentsDb
from services.reminder.adapters.gate_db import GateDb
from services.reminder.adapters.kit_transaction import OnKitTransaction
from services.reminder.adapters.reminders_db import RemindersDb
from services.reminder.domain.change import Change
from services.reminder.domain.gate import GateState
from services.reminder.domain.model import AppointmentRow, ReminderRow

__all__ = ["SqlReminderTx", "SqlReminderWork"]


class SqlReminderTx(OnKitTransaction):
    def __init__(self, tx: SqlTransaction, work: "SqlReminderWork") -> None:
        super().__init__(tx)
        self._conn = tx.connection
        self._work = work
        self._db = work.reminders

    async def reminder(self, tenant: str, reminder_id: str) -> ReminderRow | None:
        return await self._db.get(self._conn, tenant, reminder_id)

    async def reminder_taken(self, reminder_id: str) -> bool:
        return await self._db.taken(self._conn, reminder_id)

    async def by_message(self, tenant: str, message_id: str) -> ReminderRow | None:
        return await self._db.by_message(self._conn, tenant, message_id)

    async def of_appointment(self, appointment_id: str) -> list[ReminderRow]:
        return await self._db.of_appointment(self._conn, appointment_id)

    async def pending_of_session(self, session: str) -> list[ReminderRow]:
        return await self._db.pending_of_session(self._conn, session)

    async def write(self, change: Change) -> bool:
        return await self._db.write(self._conn, change)

    async def appointment(self, tenant: str, appointment_id: str) -> AppointmentRow | None:
        return await self._work.appointments.get(self._conn, tenant, appointment_id)

    async def appointment_taken(self, appointment_id: str) -> bool:
        return await self._work.appointments.taken(self._conn, appointment_id)

    async def save_appointment(self, row: AppointmentRow, *, expect: str | None) -> bool:
        if expect is None:
            await self._work.appointments.insert(self._conn, row)
            return True
        values = {k: v for k, v in asdict(row).items() if k != "id"}
        return await self._work.appointments.update(self._conn, row.id, expect, **values)

    async def record_gate(self, state: GateState) -> bool:
        return await self._work.gate.record(
            self._conn, tenant=state.tenant, session=state.session, sequence=state.sequence,
            connected=state.connected, deleted=state.deleted,
        )  # fmt: skip


class SqlReminderWork:
    """The reminder's ``UnitOfWork`` on the kit's (which holds the tracking and the outbox)."""

    def __init__(self, kit: SqlUnitOfWork, gate: GateDb) -> None:
        self.kit = kit
        self.gate = gate
        self.reminders = RemindersDb()
        self.appointments = AppointmentsDb(kit.engine)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlReminderTx]:
        async with self.kit.begin() as tx:
            yield SqlReminderTx(tx, self)

    async def position(self, consumer: str) -> int:
        return await self.kit.position(consumer)
