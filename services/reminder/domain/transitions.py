"""Decisions: each transition of a reminder returns a ``Change`` (None: nothing to do now) and
changes nothing itself; the unit of work writes it with its events, compare-and-set.

    scheduled → (deferred, once an event) → dispatched ⇄ retrying → sent | failed
    scheduled | deferred | retrying → cancelled, or rescheduled (moved, or its appointment moved)"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from random import Random
from typing import Any

from contracts.events import (
    Event,
    ReminderCancelled,
    ReminderDeferred,
    ReminderDispatched,
    ReminderFailed,
    ReminderRescheduled,
    ReminderRetrying,
    ReminderScheduled,
    ReminderSent,
)
from services.reminder.domain.change import Change
from services.reminder.domain.errors import Refusal
from services.reminder.domain.model import PENDING, ReminderRow
from services.reminder.domain.policy import ReminderPolicy

__all__ = [
    "OPEN",
    "attempt_failed",
    "await_retry",
    "cancel",
    "defer",
    "dispatch",
    "fail",
    "request_cancel",
    "request_move",
    "reschedule",
    "schedule",
    "sent",
    "stale",
]

OPEN = frozenset({*PENDING, "dispatched"})
"""Not over yet: pending, or dispatched and awaiting its outcome."""
DEFERRABLE = frozenset({"scheduled", "retrying", "dispatched"})
OUTCOME_AWAITED = frozenset({"dispatched", "retrying", "deferred"})


def _change(
    row: ReminderRow, expect: Iterable[str], events: Iterable[Event] = (), **values: Any
) -> Change | None:
    expect = frozenset(expect)
    if row.status not in expect:
        return None
    return Change(before=row, after=replace(row, **values), events=tuple(events), expect=expect)


def schedule(row: ReminderRow) -> Change:
    """A new reminder (``model.new_reminder``) goes on the schedule."""
    event = ReminderScheduled(reminder_id=row.id, to=row.to_jid, text=row.text,
                              due_at=row.due_at, appointment_id=row.appointment_id)  # fmt: skip
    return Change(before=None, after=row, events=(event,))


def defer(row: ReminderRow, reason: str, now: datetime) -> Change | None:
    """Its session is down: wait for its next connect. Only the first deferral is an event."""
    events = [] if row.was_deferred else [ReminderDeferred(reminder_id=row.id, reason=reason)]
    return _change(row, DEFERRABLE, events, status="deferred", wake_at=None, was_deferred=True,
                   last_reason=reason, updated_at=now)  # fmt: skip


def dispatch(row: ReminderRow, now: datetime, policy: ReminderPolicy) -> Change | None:
    """Take it for one more attempt, if it is still due and its session is connected."""
    if row.status != "deferred" and (row.wake_at is None or row.wake_at > now):
        return None
    attempt = row.attempts + 1
    event = ReminderDispatched(reminder_id=row.id, message_id=row.message_id, attempt=attempt)
    change = _change(row, PENDING, [event], status="dispatched", attempts=attempt,
                     dispatched_at=now, updated_at=now,
                     wake_at=now + timedelta(seconds=policy.outcome_timeout_s))  # fmt: skip
    return None if change is None else replace(change, due_by=now, connected=True)


def sent(row: ReminderRow, now: datetime) -> Change | None:
    event = ReminderSent(reminder_id=row.id, message_id=row.message_id)
    return _change(row, OUTCOME_AWAITED, [event], status="sent", wake_at=None, updated_at=now)


def await_retry(
    row: ReminderRow, retry_at: datetime | None, now: datetime, policy: ReminderPolicy
) -> Change | None:
    """The session service will try again: the outcome's deadline moves past its retry."""
    start = max(retry_at or now, now)
    deadline = start + timedelta(seconds=policy.outcome_timeout_s)
    return _change(row, ["dispatched"], wake_at=deadline)


def attempt_failed(
    row: ReminderRow, error: str, now: datetime, policy: ReminderPolicy, rng: Random
) -> Change | None:
    """Retry later with exponential backoff, or give up after ``max_attempts``."""
    if row.attempts >= policy.max_attempts:
        return fail(row, "send_failed", now, detail=error, expect=["dispatched"])
    retry_at = now + policy.backoff(row.attempts, rng)
    event = ReminderRetrying(reminder_id=row.id, attempt=row.attempts, reason=error,
                             retry_at=retry_at)  # fmt: skip
    return _change(row, ["dispatched"], [event], status="retrying", wake_at=retry_at,
                   last_reason=error, updated_at=now)  # fmt: skip


def fail(
    row: ReminderRow,
    reason: str,
    now: datetime,
    *,
    detail: str | None = None,
    expect: Iterable[str] = OPEN,
) -> Change | None:
    """Over, visibly: ``reason`` is a stable code (stale, send_failed, refused, …)."""
    text = f"{reason}: {detail}" if detail else reason
    event = ReminderFailed(reminder_id=row.id, reason=text, attempts=row.attempts)
    return _change(row, expect, [event], status="failed", wake_at=None, last_reason=text,
                   updated_at=now)  # fmt: skip


def stale(row: ReminderRow, now: datetime, policy: ReminderPolicy) -> Change | None:
    """Too late to be useful (past its appointment, or long overdue): it fails ``stale``."""
    if row.status not in PENDING or not policy.is_stale(now, row.due_at, row.expires_at):
        return None
    return fail(row, "stale", now)


def cancel(row: ReminderRow, reason: str, now: datetime) -> Change | None:
    """Cancelled while still pending (None once it is in flight or over)."""
    event = ReminderCancelled(reminder_id=row.id, reason=reason)
    return _change(row, PENDING, [event], status="cancelled", wake_at=None, updated_at=now)


def request_cancel(row: ReminderRow, now: datetime) -> Change | None:
    """A client's cancel: a no-op when cancelled already, refused once in flight or over."""
    if row.status == "cancelled":
        return None
    change = cancel(row, "requested", now)
    if change is None:
        raise Refusal("already_final", f"the reminder is already {row.status}")
    return change


def reschedule(
    row: ReminderRow, due_at: datetime, text: str, expires_at: datetime | None, now: datetime
) -> Change | None:
    """Its appointment moved: a pending reminder follows with a new due time and text."""
    event = ReminderRescheduled(reminder_id=row.id, due_at=due_at, text=text)
    return _change(row, PENDING, [event], status="scheduled", due_at=due_at, wake_at=due_at,
                   text=text, expires_at=expires_at, was_deferred=False,
                   updated_at=now)  # fmt: skip


def request_move(row: ReminderRow, due_at: datetime, text: str, now: datetime) -> Change | None:
    """A client's move of a plain reminder: a no-op when it is there already, refused once in
    flight or over, or when it belongs to an appointment (that moves it)."""
    if row.appointment_id is not None:
        raise Refusal("part_of_appointment", "move its appointment instead",
                      {"appointment_id": row.appointment_id})  # fmt: skip
    if row.status not in PENDING:
        raise Refusal("already_final", f"the reminder is already {row.status}")
    if row.status == "scheduled" and row.due_at == due_at and row.text == text:
        return None
    return reschedule(row, due_at, text, row.expires_at, now)
