"""What the reminder service keeps: reminders and appointments, as plain values."""

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "PENDING",
    "TERMINAL",
    "AppointmentRow",
    "ReminderRow",
    "new_message_id",
    "new_reminder",
]

# scheduled → (deferred) → dispatched ⇄ retrying → sent | failed;  or → cancelled
PENDING = frozenset({"scheduled", "deferred", "retrying"})
TERMINAL = frozenset({"sent", "failed", "cancelled"})


def new_message_id(random_hex: str) -> str:
    """A WhatsApp-style message id (``3EB0`` + upper-case hex), fixed before the first attempt."""
    return "3EB0" + random_hex.upper()


@dataclass(frozen=True, kw_only=True)
class ReminderRow:
    id: str
    tenant: str
    session: str
    to_jid: str
    text: str
    due_at: datetime
    expires_at: datetime | None
    appointment_id: str | None
    lead_s: int | None
    status: str
    wake_at: datetime | None
    message_id: str
    attempts: int
    was_deferred: bool
    dispatched_at: datetime | None
    last_reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def lead(self) -> timedelta | None:
        return None if self.lead_s is None else timedelta(seconds=self.lead_s)


@dataclass(frozen=True, kw_only=True)
class AppointmentRow:
    id: str
    tenant: str
    session: str
    to_jid: str
    title: str
    starts_at: datetime
    utc_offset_s: int
    remind_before_s: str
    template: str | None
    fields: str
    status: str
    created_at: datetime
    updated_at: datetime

    @property
    def leads(self) -> list[timedelta]:
        return [timedelta(seconds=int(s)) for s in self.remind_before_s.split(",") if s]


def new_reminder(**values: object) -> ReminderRow:
    """A freshly scheduled reminder; the caller fixes its ``id`` and ``message_id`` (before any
    attempt) and ``created_at``."""
    defaults: dict[str, object] = {
        "expires_at": None,
        "appointment_id": None,
        "lead_s": None,
        "status": "scheduled",
        "attempts": 0,
        "was_deferred": False,
        "dispatched_at": None,
        "last_reason": None,
    }
    defaults.update(values)
    defaults.setdefault("wake_at", defaults["due_at"])
    defaults.setdefault("updated_at", defaults["created_at"])
    return ReminderRow(**defaults)  # type: ignore[arg-type]
