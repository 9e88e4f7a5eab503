"""Commands the reminder service accepts (on ``wa.cmd.reminder.<tenant>``), and its refusals.

Replies are ``contracts.commands.Accepted`` (with ``sequence``: the stream sequence of the
last event appended, so a reader can wait for the store to reach it; ``reminder_ids`` and
``appointment_id`` name what was made) or ``contracts.commands.Refused`` with one of the
stable ``RefusalCode`` values below.

Times are timezone-aware ISO-8601 datetimes; lead times (``remind_before``) are ISO-8601
durations such as ``PT24H``, ``PT1H30M`` or ``P1D``. Text is either ``text`` or a
``template`` whose ``{field}`` placeholders are filled from ``fields``; appointment
templates may also use ``{title}``, ``{starts_at}``, ``{date}`` and ``{time}``.
"""

from datetime import datetime, timedelta
from typing import Final, Literal

from msgspec import Struct, field

from contracts.commands import Accepted, Refused

__all__ = [
    "DEFAULT_REMIND_BEFORE",
    "REFUSAL_CODES",
    "CancelAppointment",
    "CancelReminder",
    "CreateAppointment",
    "MoveAppointment",
    "MoveReminder",
    "RefusalCode",
    "ReminderCommand",
    "ReminderReply",
    "ScheduleReminder",
]

RefusalCode = Literal[
    "due_in_past",  # the due time (or an appointment's start) is not in the future
    "not_found",  # unknown session, reminder or appointment, or another tenant's (404)
    "invalid_address",  # ``to`` is no WhatsApp address; details["reason"] from parse_address
    "validation_failed",  # anything else malformed; details["field"] names it
    "already_final",  # cancelling/moving something already sent, failed or cancelled (409)
    "bad_command",  # the bytes are not a reminder command at all
    "part_of_appointment",  # moving one reminder of an appointment: move the appointment (409)
]
REFUSAL_CODES: Final[frozenset[str]] = frozenset(
    {
        "due_in_past",
        "not_found",
        "invalid_address",
        "validation_failed",
        "already_final",
        "bad_command",
        "part_of_appointment",
    }
)
DEFAULT_REMIND_BEFORE: Final[tuple[timedelta, ...]] = (timedelta(hours=24), timedelta(hours=1))


class ScheduleReminder(Struct, frozen=True, kw_only=True, tag="schedule_reminder"):
    """One message to ``to`` through ``session`` at ``due_at``."""

    tenant: str
    session: str
    to: str
    due_at: datetime
    text: str | None = None
    template: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    reminder_id: str | None = None  # optional client-chosen id (idempotent retry); else generated
    correlation_id: str | None = None


class CancelReminder(Struct, frozen=True, kw_only=True, tag="cancel_reminder"):
    """Cancel a pending reminder; cancelling an already cancelled one is accepted (no event)."""

    tenant: str
    reminder_id: str
    correlation_id: str | None = None


class MoveReminder(Struct, frozen=True, kw_only=True, tag="move_reminder"):
    """A PATCH of a pending plain reminder: a new ``due_at`` and, when ``text`` or
    ``template`` is given, a new text (else it keeps its own). An appointment's reminders
    move with their appointment (``MoveAppointment``); moving one alone is refused."""

    tenant: str
    reminder_id: str
    due_at: datetime
    text: str | None = None
    template: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    correlation_id: str | None = None


class CreateAppointment(Struct, frozen=True, kw_only=True, tag="create_appointment"):
    """An appointment at ``starts_at``; one reminder per lead time in ``remind_before``.

    Lead times whose due time has already passed are skipped; if none is left the command is
    refused with ``due_in_past``."""

    tenant: str
    session: str
    to: str
    title: str
    starts_at: datetime
    remind_before: list[timedelta] = field(default_factory=lambda: list(DEFAULT_REMIND_BEFORE))
    template: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    appointment_id: str | None = None
    correlation_id: str | None = None


class MoveAppointment(Struct, frozen=True, kw_only=True, tag="move_appointment"):
    """A PATCH: any field left ``None`` keeps its value. Pending reminders move with it."""

    tenant: str
    appointment_id: str
    starts_at: datetime | None = None
    remind_before: list[timedelta] | None = None
    title: str | None = None
    correlation_id: str | None = None


class CancelAppointment(Struct, frozen=True, kw_only=True, tag="cancel_appointment"):
    """Cancel an appointment and every pending reminder of it."""

    tenant: str
    appointment_id: str
    correlation_id: str | None = None


ReminderCommand = (
    ScheduleReminder
    | CancelReminder
    | MoveReminder
    | CreateAppointment
    | MoveAppointment
    | CancelAppointment
)
ReminderReply = Accepted | Refused
