"""The unit of work in memory, on the kit's (runtime.unit_of_work.MemoryUnitOfWork: one
transaction at a time, tracking and outbox changed at the commit): each transaction works on
a copy of the committed state, which replaces it at the commit; a rollback leaves nothing."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from runtime.unit_of_work import MemoryTransaction, MemoryUnitOfWork
from services.reminder.adapters.kit_transaction import OnKitTransaction
from services.reminder.domain.change import Change
from services.reminder.domain.gate import GateState, newer
from services.reminder.domain.model import PENDING, AppointmentRow, ReminderRow

__all__ = ["MemoryReminderTx", "MemoryReminderWork", "MemoryState"]


@dataclass
class MemoryState:
    reminders: dict[str, ReminderRow] = field(default_factory=dict)
    appointments: dict[str, AppointmentRow] = field(default_factory=dict)
    gates: dict[str, GateState] = field(default_factory=dict)

    def copy(self) -> "MemoryState":
        return MemoryState(dict(self.reminders), dict(self.appointments), dict(self.gates))

    def connected(self, session: str) -> bool:
        gate = self.gates.get(session)
        return gate is not None and gate.connected


class MemoryReminderTx(OnKitTransaction):
    def __init__(self, tx: MemoryTransaction, state: MemoryState) -> None:
        super().__init__(tx)
        self.state = state

    async def reminder(self, tenant: str, reminder_id: str) -> ReminderRow | None:
        row = self.state.reminders.get(reminder_id)
        return row if row is not None and row.tenant == tenant else None

    async def reminder_taken(self, reminder_id: str) -> bool:
        return reminder_id in self.state.reminders

    async def by_message(self, tenant: str, message_id: str) -> ReminderRow | None:
        rows = self.state.reminders.values()
        return next((r for r in rows if r.message_id == message_id and r.tenant == tenant), None)

    async def of_appointment(self, appointment_id: str) -> list[ReminderRow]:
        return [r for r in self.state.reminders.values() if r.appointment_id == appointment_id]

    async def pending_of_session(self, session: str) -> list[ReminderRow]:
        rows = self.state.reminders.values()
        return [r for r in rows if r.session == session and r.status in PENDING]

    async def write(self, change: Change) -> bool:
        row = change.after
        stored = self.state.reminders.get(row.id)
        if not change.holds_for(stored, session_connected=self.state.connected(row.session)):
            return False
        self.state.reminders[row.id] = row
        return True

    async def appointment(self, tenant: str, appointment_id: str) -> AppointmentRow | None:
        row = self.state.appointments.get(appointment_id)
        return row if row is not None and row.tenant == tenant else None

    async def appointment_taken(self, appointment_id: str) -> bool:
        return appointment_id in self.state.appointments

    async def save_appointment(self, row: AppointmentRow, *, expect: str | None) -> bool:
        stored = self.state.appointments.get(row.id)
        if expect is None and stored is not None:
            raise KeyError(f"appointment {row.id} exists")  # as the primary key would
        if expect is not None and (stored is None or stored.status != expect):
            return False
        self.state.appointments[row.id] = row
        return True

    async def record_gate(self, state: GateState) -> bool:
        if not newer(self.state.gates.get(state.session), state):
            return False
        self.state.gates[state.session] = state
        return True


class MemoryReminderWork:
    """The reminder's ``UnitOfWork`` in memory; ``state`` is what was committed."""

    def __init__(self, kit: MemoryUnitOfWork | None = None) -> None:
        self.kit = kit or MemoryUnitOfWork()
        self.state = MemoryState()
        self.commits = 0

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[MemoryReminderTx]:
        async with self.kit.begin() as tx:
            work = MemoryReminderTx(tx, self.state.copy())
            yield work
            tx.defer(lambda: self._commit(work.state))

    def _commit(self, state: MemoryState) -> None:
        self.state = state
        self.commits += 1

    async def position(self, consumer: str) -> int:
        return await self.kit.position(consumer)
