"""Events about reminders: scheduled, deferred while a session is down, dispatched, ended."""

from datetime import datetime

from msgspec import Struct

__all__ = [
    "ReminderCancelled",
    "ReminderDeferred",
    "ReminderDispatched",
    "ReminderFailed",
    "ReminderScheduled",
    "ReminderSent",
]


class ReminderScheduled(Struct, frozen=True, kw_only=True, tag="reminder.scheduled"):
    reminder_id: str
    to: str
    text: str
    due_at: datetime
    appointment_id: str | None = None


class ReminderDeferred(Struct, frozen=True, kw_only=True, tag="reminder.deferred"):
    reminder_id: str
    reason: str


class ReminderDispatched(Struct, frozen=True, kw_only=True, tag="reminder.dispatched"):
    reminder_id: str
    message_id: str
    attempt: int = 1


class ReminderSent(Struct, frozen=True, kw_only=True, tag="reminder.sent"):
    reminder_id: str
    message_id: str


class ReminderFailed(Struct, frozen=True, kw_only=True, tag="reminder.failed"):
    reminder_id: str
    reason: str
    attempts: int = 0


class ReminderCancelled(Struct, frozen=True, kw_only=True, tag="reminder.cancelled"):
    reminder_id: str
    reason: str | None = None
