"""Events about reminders (scheduled, deferred while a session is down, dispatched, ended) and
the appointments that produce them. The envelope's ``session`` is the sending session."""

from datetime import datetime, timedelta

from msgspec import Struct

__all__ = [
    "AppointmentCancelled",
    "AppointmentMoved",
    "AppointmentScheduled",
    "ReminderCancelled",
    "ReminderDeferred",
    "ReminderDispatched",
    "ReminderFailed",
    "ReminderRescheduled",
    "ReminderRetrying",
    "ReminderScheduled",
    "ReminderSent",
]


class ReminderScheduled(Struct, frozen=True, kw_only=True, tag="reminder.scheduled"):
    reminder_id: str
    to: str
    text: str
    due_at: datetime
    appointment_id: str | None = None


class ReminderRescheduled(Struct, frozen=True, kw_only=True, tag="reminder.rescheduled"):
    """A pending reminder got a new due time and text (its appointment moved)."""

    reminder_id: str
    due_at: datetime
    text: str


class ReminderDeferred(Struct, frozen=True, kw_only=True, tag="reminder.deferred"):
    reminder_id: str
    reason: str


class ReminderDispatched(Struct, frozen=True, kw_only=True, tag="reminder.dispatched"):
    reminder_id: str
    message_id: str
    attempt: int = 1


class ReminderRetrying(Struct, frozen=True, kw_only=True, tag="reminder.retrying"):
    """An attempt failed; the next, with the same message id, is due at ``retry_at``.

    ``reason``: why (the session service did not answer, no outcome came in time…). After the
    last attempt comes ``reminder.failed`` instead."""

    reminder_id: str
    attempt: int
    reason: str
    retry_at: datetime


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


class AppointmentScheduled(Struct, frozen=True, kw_only=True, tag="appointment.scheduled"):
    """An appointment; its reminders follow as ``reminder.scheduled`` events."""

    appointment_id: str
    to: str
    title: str
    starts_at: datetime
    remind_before: list[timedelta]
    reminder_ids: list[str]


class AppointmentMoved(Struct, frozen=True, kw_only=True, tag="appointment.moved"):
    """The appointment's new state; its reminders' changes precede it as their own events."""

    appointment_id: str
    title: str
    starts_at: datetime
    remind_before: list[timedelta]
    reminder_ids: list[str]


class AppointmentCancelled(Struct, frozen=True, kw_only=True, tag="appointment.cancelled"):
    """Cancelled; its pending reminders follow as ``reminder.cancelled`` events."""

    appointment_id: str
    reason: str | None = None
