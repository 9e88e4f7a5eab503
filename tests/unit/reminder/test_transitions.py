"""The reminder state machine, one transition at a time: what it decides, in which states."""

import random
from dataclasses import replace

import pytest

from contracts.events import (
    ReminderCancelled,
    ReminderDeferred,
    ReminderDispatched,
    ReminderFailed,
    ReminderRescheduled,
    ReminderRetrying,
    ReminderScheduled,
    ReminderSent,
)
from services.reminder.domain import transitions as t
from services.reminder.domain.errors import Refusal
from services.reminder.domain.policy import ReminderPolicy
from tests.unit.reminder.domain_support import NOW, S, after, row

POLICY = ReminderPolicy(max_attempts=3, backoff_base_s=10, backoff_max_s=100,
                        outcome_timeout_s=120, stale_after_s=3600)  # fmt: skip
ALL = ["scheduled", "deferred", "retrying", "dispatched", "sent", "failed", "cancelled"]


def allowed(decide: object, **kw: object) -> list[str]:
    """The statuses in which ``decide(row, **kw)`` decides something."""
    return [s for s in ALL if decide(row(status=s), **kw) is not None]  # type: ignore[operator]


def test_scheduling_inserts_the_reminder_with_its_event() -> None:
    new = row(appointment_id="a1")
    change = t.schedule(new)
    assert change.before is None and change.after == new
    assert change.events == (ReminderScheduled(reminder_id="r1", to=new.to_jid, text="hi",
                                               due_at=NOW, appointment_id="a1"),)  # fmt: skip
    assert change.holds_for(None, session_connected=False)
    assert not change.holds_for(new, session_connected=True)  # the id is taken already


def test_deferral_waits_without_a_wake_time_and_only_the_first_is_an_event() -> None:
    first = t.defer(row(), "session_not_connected", NOW)
    assert first is not None and first.events == (
        ReminderDeferred(reminder_id="r1", reason="session_not_connected"),
    )
    assert (first.after.status, first.after.wake_at, first.after.was_deferred) == (
        "deferred", None, True)  # fmt: skip
    again = t.defer(replace(first.after, status="retrying"), "session_not_connected", NOW)
    assert again is not None and again.events == ()
    assert allowed(t.defer, reason="x", now=NOW) == ["scheduled", "retrying", "dispatched"]


def test_dispatch_takes_a_due_reminder_for_one_more_attempt_if_its_session_is_up() -> None:
    change = t.dispatch(row(), NOW, POLICY)
    assert change is not None and change.events == (
        ReminderDispatched(reminder_id="r1", message_id="3EB0AA", attempt=1),
    )
    taken = change.after
    assert (taken.status, taken.attempts, taken.dispatched_at) == ("dispatched", 1, NOW)
    assert taken.wake_at == NOW + 120 * S  # the outcome's deadline
    assert change.connected and change.due_by == NOW
    assert change.holds_for(row(), session_connected=True)
    assert not change.holds_for(row(), session_connected=False)
    assert not change.holds_for(row(wake_at=NOW + S), session_connected=True)  # moved later
    assert not change.holds_for(replace(row(), attempts=1), session_connected=True)
    assert t.dispatch(row(wake_at=NOW + S), NOW, POLICY) is None  # not due yet
    assert allowed(t.dispatch, now=NOW, policy=POLICY) == ["scheduled", "deferred", "retrying"]


def test_a_deferred_reminder_is_dispatched_whatever_its_wake_time() -> None:
    deferred = after(t.defer(row(due_at=NOW + S), "down", NOW))
    change = t.dispatch(deferred, NOW, POLICY)
    assert change is not None and change.holds_for(deferred, session_connected=True)


def test_sent_ends_a_reminder_awaiting_its_outcome() -> None:
    change = t.sent(row(status="dispatched"), NOW)
    assert change is not None and change.after.status == "sent"
    assert change.events == (ReminderSent(reminder_id="r1", message_id="3EB0AA"),)
    assert allowed(t.sent, now=NOW) == ["deferred", "retrying", "dispatched"]


def test_a_retry_of_the_session_service_moves_the_outcome_deadline_past_it() -> None:
    change = t.await_retry(row(status="dispatched"), NOW + 60 * S, NOW, POLICY)
    assert change is not None and change.events == ()
    assert change.after.wake_at == NOW + 180 * S and change.after.status == "dispatched"
    past = after(t.await_retry(row(status="dispatched"), NOW - 60 * S, NOW, POLICY))
    assert past.wake_at == NOW + 120 * S
    assert allowed(t.await_retry, retry_at=None, now=NOW, policy=POLICY) == ["dispatched"]


def test_a_failed_attempt_retries_with_backoff_then_fails_after_max_attempts() -> None:
    rng = random.Random(1)
    retry = t.attempt_failed(row(status="dispatched", attempts=1), "boom", NOW, POLICY, rng)
    assert retry is not None
    assert retry.after.status == "retrying" and retry.after.last_reason == "boom"
    assert retry.after.wake_at is not None and NOW + 5 * S <= retry.after.wake_at <= NOW + 10 * S
    wake_at = retry.after.wake_at
    assert retry.events == (
        ReminderRetrying(reminder_id="r1", attempt=1, reason="boom", retry_at=wake_at),
    )
    spent = row(status="dispatched", attempts=3)
    final = t.attempt_failed(spent, "boom", NOW, POLICY, rng)
    assert final is not None and final.after.status == "failed"
    assert final.events == (ReminderFailed(reminder_id="r1", reason="send_failed: boom",
                                           attempts=3),)  # fmt: skip
    kw = {"error": "x", "now": NOW, "policy": POLICY, "rng": rng}
    assert allowed(t.attempt_failed, **kw) == ["dispatched"]


def test_failing_records_the_reason_and_is_refused_once_over() -> None:
    change = t.fail(row(status="retrying"), "refused", NOW, detail="bad: no")
    assert change is not None and change.after.last_reason == "refused: bad: no"
    assert change.after.wake_at is None
    assert allowed(t.fail, reason="x", now=NOW) == ["scheduled", "deferred", "retrying",
                                                     "dispatched"]  # fmt: skip
    assert t.fail(row(status="scheduled"), "x", NOW, expect=["dispatched"]) is None


def test_stale_fails_a_pending_reminder_past_its_limit_or_its_appointment() -> None:
    late = NOW + 3601 * S
    change = t.stale(row(), late, POLICY)
    assert change is not None and change.events[0] == ReminderFailed(
        reminder_id="r1", reason="stale", attempts=0)  # fmt: skip
    assert t.stale(row(), NOW + 3599 * S, POLICY) is None
    assert t.stale(row(expires_at=NOW + S), NOW + S, POLICY) is not None
    assert allowed(t.stale, now=late, policy=POLICY) == ["scheduled", "deferred", "retrying"]


def test_a_client_cancel_is_idempotent_and_refused_once_in_flight_or_over() -> None:
    change = t.request_cancel(row(status="deferred"), NOW)
    assert change is not None and change.after.status == "cancelled"
    assert change.events == (ReminderCancelled(reminder_id="r1", reason="requested"),)
    assert t.request_cancel(row(status="cancelled"), NOW) is None
    for status in ("dispatched", "sent", "failed"):
        with pytest.raises(Refusal) as refused:
            t.request_cancel(row(status=status), NOW)
        assert refused.value.code == "already_final" and status in refused.value.message
    assert allowed(t.cancel, reason="moved", now=NOW) == ["scheduled", "deferred", "retrying"]


def test_rescheduling_follows_the_appointment_and_forgets_a_deferral() -> None:
    deferred = after(t.defer(row(), "down", NOW))
    change = t.reschedule(deferred, NOW + 3600 * S, "new", NOW + 7200 * S, NOW)
    assert change is not None and change.events == (
        ReminderRescheduled(reminder_id="r1", due_at=NOW + 3600 * S, text="new"),
    )
    moved = change.after
    assert (moved.status, moved.wake_at, moved.was_deferred) == ("scheduled", NOW + 3600 * S,
                                                                 False)  # fmt: skip
    assert moved.expires_at == NOW + 7200 * S
    kw = {"due_at": NOW, "text": "x", "expires_at": NOW, "now": NOW}
    assert allowed(t.reschedule, **kw) == ["scheduled", "deferred", "retrying"]


def test_a_change_does_not_hold_once_another_instance_moved_the_reminder() -> None:
    change = t.sent(row(status="dispatched", attempts=1), NOW)
    assert change is not None
    assert change.holds_for(row(status="dispatched", attempts=1), session_connected=False)
    assert not change.holds_for(row(status="sent", attempts=1), session_connected=False)
    assert not change.holds_for(None, session_connected=False)
