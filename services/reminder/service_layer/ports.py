"""What the reminder service layer depends on: one transaction (its unit of work), the reads
of the schedule, the outbox's relay, the session leases and the session service. SQL and
NATS implement them in adapters/, memory too (adapters/memory/), for tests without either."""

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from contracts.commands import CommandReply, SendText
from contracts.envelope import Envelope
from runtime.outbox import OutboxMessage
from runtime.unit_of_work import Transaction
from services.reminder.domain.change import Change
from services.reminder.domain.gate import GateState
from services.reminder.domain.model import AppointmentRow, ReminderRow

__all__ = [
    "Delivery",
    "Relay",
    "ReminderTx",
    "ScheduleReads",
    "SessionLeases",
    "SessionSender",
    "UnitOfWork",
]


class Delivery(Protocol):
    """One event of the log as the consumer hands it over."""

    @property
    def sequence(self) -> int: ...
    @property
    def event(self) -> Envelope: ...


class ReminderTx(Transaction, Protocol):
    """One transaction (runtime.unit_of_work): the effect, the consumer's position
    (``save_position``) and the staged events (``stage``) commit together, or none of them."""

    async def reminder(self, tenant: str, reminder_id: str) -> ReminderRow | None: ...
    async def reminder_taken(self, reminder_id: str) -> bool: ...  # by any tenant
    async def by_message(self, tenant: str, message_id: str) -> ReminderRow | None: ...
    async def of_appointment(self, appointment_id: str) -> list[ReminderRow]: ...
    async def pending_of_session(self, session: str) -> list[ReminderRow]: ...

    async def write(self, change: Change) -> bool:
        """Insert (``before`` None) or compare-and-set ``change``; False if it no longer holds."""
        ...

    async def appointment(self, tenant: str, appointment_id: str) -> AppointmentRow | None: ...
    async def appointment_taken(self, appointment_id: str) -> bool: ...  # by any tenant

    async def save_appointment(self, row: AppointmentRow, *, expect: str | None) -> bool:
        """Insert (``expect`` None), or update if its stored status is still ``expect``."""
        ...

    async def record_gate(self, state: GateState) -> bool:
        """Keep ``state`` unless a later event of its session was recorded; True if kept."""
        ...


class UnitOfWork(Protocol):
    """``async with uow.begin() as tx``: committed on a normal exit, rolled back on an error."""

    def begin(self) -> AbstractAsyncContextManager[ReminderTx]: ...

    async def position(self, consumer: str) -> int:
        """The last sequence ``consumer`` committed (0 for none)."""
        ...


class Relay(Protocol):
    """Publishes what the outbox holds, oldest first, as staged (runtime.outbox_relay)."""

    async def flush(self) -> int: ...

    async def sequence_of(self, message: OutboxMessage) -> int:
        """The log sequence of a staged message (published now if it still waits)."""
        ...


class ScheduleReads(Protocol):
    """Reads of the committed schedule, each on its own."""

    async def reminder(self, tenant: str, reminder_id: str) -> ReminderRow | None: ...
    async def reminder_taken(self, reminder_id: str) -> bool: ...
    async def gate(self, session: str) -> GateState | None: ...

    async def next_wake(self, now: datetime) -> datetime | None:
        """The earliest time after ``now`` at which some reminder needs a look."""
        ...

    async def due_while_down(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        """Due (or due again), but their session is not connected."""
        ...

    async def overdue_outcomes(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        """Dispatched, and no outcome came back in time."""
        ...

    async def sessions_with_ready_work(self, now: datetime) -> list[tuple[str, str]]: ...

    async def next_ready(self, session: str, now: datetime) -> ReminderRow | None:
        """The earliest-due reminder of ``session`` that may go now (its session connected)."""
        ...

    async def recent_dispatches(self, session: str, since: datetime) -> Sequence[datetime]: ...


class SessionLeases(Protocol):
    """Per-session dispatch leases (``<tenant>.<session>``): one dispatcher per session
    (``runtime.leases.Leases``)."""

    def holds(self, key: str) -> bool: ...
    async def acquire(self, key: str) -> bool: ...
    async def renew_all(self) -> list[str]: ...  # the keys lost
    async def release(self, key: str) -> None: ...


class SessionSender(Protocol):
    """The session service's SendText; ``runtime.messaging.BackendUnavailable`` when nobody
    answers."""

    async def send_text(self, command: SendText) -> CommandReply: ...
