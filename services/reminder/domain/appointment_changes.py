"""Decisions for appointments: their own events, and the changes of the reminders they carry."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from contracts.events import (
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentScheduled,
    Event,
)
from services.reminder.domain.appointments import ExistingReminder, Planned, plan_move
from services.reminder.domain.change import Change
from services.reminder.domain.errors import Refusal
from services.reminder.domain.model import AppointmentRow, ReminderRow, new_reminder
from services.reminder.domain.transitions import cancel, reschedule, schedule

__all__ = [
    "AppointmentDecision",
    "NewIds",
    "cancel_appointment",
    "create",
    "leads_s",
    "move",
    "moved",
]

NewIds = Callable[[], tuple[str, str]]
"""A fresh (reminder id, message id) pair; the service layer draws them."""


@dataclass(frozen=True, kw_only=True)
class AppointmentDecision:
    """``first``, then each change's events (those that still hold), then ``last``."""

    appointment: AppointmentRow
    first: tuple[Event, ...] = ()
    changes: tuple[Change, ...] = ()
    last: tuple[Event, ...] = ()
    live: tuple[str, ...] = ()  # the appointment's reminders still to go, once written


def leads_s(leads: Sequence[timedelta]) -> str:
    """Lead times as kept: comma-separated seconds."""
    return ",".join(str(int(d.total_seconds())) for d in leads)


def moved(
    old: AppointmentRow,
    *,
    title: str | None,
    starts_at: datetime | None,
    remind_before: Sequence[timedelta] | None,
    now: datetime,
) -> AppointmentRow:
    """The appointment after a move: what is not given stays (its start in its own zone, as
    the client gave it: texts show local times)."""
    start = starts_at or old.starts_at.astimezone(timezone(timedelta(seconds=old.utc_offset_s)))
    offset = start.utcoffset() or timedelta(0)
    return replace(old, title=(title or old.title).strip(), starts_at=start,
                   utc_offset_s=int(offset.total_seconds()), updated_at=now,
                   remind_before_s=old.remind_before_s if remind_before is None
                   else leads_s(remind_before))  # fmt: skip


def _reminder(appt: AppointmentRow, item: Planned, now: datetime, new_ids: NewIds) -> Change:
    reminder_id, message_id = new_ids()
    return schedule(new_reminder(
        id=reminder_id, message_id=message_id, tenant=appt.tenant, session=appt.session,
        to_jid=appt.to_jid, text=item.text, due_at=item.due_at, expires_at=appt.starts_at,
        appointment_id=appt.id, lead_s=int(item.lead.total_seconds()), created_at=now,
    ))  # fmt: skip


def _open(appt: AppointmentRow) -> None:
    if appt.status != "scheduled":
        raise Refusal("already_final", "the appointment is cancelled")


def create(
    appt: AppointmentRow, planned: Sequence[Planned], now: datetime, new_ids: NewIds
) -> AppointmentDecision:
    if not planned:
        raise Refusal("due_in_past", "every lead time is already past", {"field": "remind_before"})
    changes = tuple(_reminder(appt, item, now, new_ids) for item in planned)
    ids = [c.after.id for c in changes]
    first = AppointmentScheduled(appointment_id=appt.id, to=appt.to_jid, title=appt.title,
                                 starts_at=appt.starts_at, remind_before=appt.leads,
                                 reminder_ids=ids)  # fmt: skip
    return AppointmentDecision(appointment=appt, first=(first,), changes=changes, live=tuple(ids))


def move(
    moved: AppointmentRow,
    current: Sequence[ReminderRow],
    planned: Sequence[Planned],
    now: datetime,
    new_ids: NewIds,
) -> AppointmentDecision:
    """Pending reminders follow the appointment, unwanted ones are cancelled, new leads added."""
    _open(moved)
    existing = [ExistingReminder(reminder_id=r.id, lead=r.lead or timedelta(0), status=r.status)
                for r in current]  # fmt: skip
    plan = plan_move(existing, planned)
    by_id = {r.id: r for r in current}
    changes = [reschedule(by_id[rid], item.due_at, item.text, moved.starts_at, now)
               for rid, item in plan.reschedule]  # fmt: skip
    changes += [cancel(by_id[rid], "moved", now) for rid in plan.cancel]
    fresh = [_reminder(moved, item, now, new_ids) for item in plan.create]
    live = [rid for rid, _ in plan.reschedule] + [c.after.id for c in fresh]
    last = AppointmentMoved(appointment_id=moved.id, title=moved.title, starts_at=moved.starts_at,
                            remind_before=moved.leads, reminder_ids=live)  # fmt: skip
    kept = tuple(c for c in [*changes, *fresh] if c is not None)
    return AppointmentDecision(appointment=moved, changes=kept, last=(last,), live=tuple(live))


def cancel_appointment(
    appt: AppointmentRow, current: Sequence[ReminderRow], now: datetime
) -> AppointmentDecision:
    """Cancelled with its pending reminders (one in flight or over stays as it is)."""
    _open(appt)
    changes = [cancel(row, "appointment_cancelled", now) for row in current]
    first = AppointmentCancelled(appointment_id=appt.id, reason="requested")
    return AppointmentDecision(
        appointment=replace(appt, status="cancelled", updated_at=now),
        first=(first,),
        changes=tuple(c for c in changes if c is not None),
    )
