"""The unit of work in memory: one transaction at a time (as SQLite writes), working on a copy
of the committed state that replaces it at the commit; nothing of a rolled back one stays."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Protocol

from contracts.envelope import Envelope
from services.reminder.domain.change import Change
from services.reminder.domain.gate import GateState, newer
from services.reminder.domain.model import PENDING, AppointmentRow, ReminderRow

__all__ = ["MemoryReminderTx", "MemoryState", "MemoryUnitOfWork", "Outbox", "Tracking"]


class Tracking(Protocol):
    """runtime.tracking's port, on a transaction that defers its changes to the commit."""

    async def position(self, consumer: str) -> int: ...
    async def save(self, tx: "MemoryReminderTx", consumer: str, sequence: int) -> None: ...


class Outbox(Protocol):
    async def stage(self, tx: "MemoryReminderTx", envelope: Envelope) -> None: ...


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


class MemoryReminderTx:
    def __init__(self, state: MemoryState, work: "MemoryUnitOfWork") -> None:
        self.state = state
        self._work = work
        self.deferred: list[Callable[[], None]] = []

    def defer(self, apply: Callable[[], None]) -> None:
        self.deferred.append(apply)

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
        if (stored is None) != (expect is None) or (stored and stored.status != expect):
            return False
        self.state.appointments[row.id] = row
        return True

    async def record_gate(self, state: GateState) -> bool:
        if not newer(self.state.gates.get(state.session), state):
            return False
        self.state.gates[state.session] = state
        return True

    async def stage(self, envelope: Envelope) -> None:
        await self._work.outbox.stage(self, envelope)

    async def track(self, consumer: str, sequence: int) -> None:
        await self._work.tracking.save(self, consumer, sequence)


class MemoryUnitOfWork:
    """``fail_commits``: that many commits fail (a crash at the commit), for tests."""

    def __init__(self, tracking: Tracking, outbox: Outbox) -> None:
        self.tracking = tracking
        self.outbox = outbox
        self.state = MemoryState()
        self.commits = 0
        self.fail_commits = 0
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[MemoryReminderTx]:
        async with self._lock:
            tx = MemoryReminderTx(self.state.copy(), self)
            yield tx
            if self.fail_commits > 0:
                self.fail_commits -= 1
                raise ConnectionError("the commit failed (injected)")
            self.state = tx.state
            for apply in tx.deferred:
                apply()
            self.commits += 1

    async def position(self, consumer: str) -> int:
        return await self.tracking.position(consumer)

    def set_gate(self, state: GateState) -> None:
        """Seed a session's gate (as if its events were applied)."""
        self.state.gates[state.session] = replace(state)
