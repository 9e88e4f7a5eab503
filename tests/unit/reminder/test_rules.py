"""Pure rules: texts and templates, appointments' reminders and moves, backoff, staleness."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from services.reminder.domain.appointments import ExistingReminder, plan, plan_move
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.domain.texts import TextError, render

NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_a_template_is_filled_and_a_missing_field_is_named() -> None:
    assert render(None, "Hi {name}, see you {when}", {"name": "Ali", "when": "soon"}) == (
        "Hi Ali, see you soon"
    )
    with pytest.raises(TextError) as err:
        render(None, "Hi {name}", {})
    assert err.value.field == "fields" and "name" in err.value.message
    with pytest.raises(TextError):
        render("a", "b", {})
    with pytest.raises(TextError):
        render("   ", None, {})


def test_an_appointment_gets_one_reminder_per_lead_time_still_ahead() -> None:
    starts = NOW + 2 * H
    planned = plan(title="Dentist", starts_at=starts, leads=[24 * H, H, H], template=None,
                   fields={}, now=NOW)  # fmt: skip
    assert [p.due_at for p in planned] == [NOW + H]  # 24 h before is past; duplicates merge
    assert "Dentist" in planned[0].text and "11:00" in planned[0].text


def test_moving_reschedules_pending_keeps_in_flight_and_cancels_dropped_leads() -> None:
    planned = plan(title="x", starts_at=NOW + 48 * H, leads=[24 * H, 2 * H], template=None,
                   fields={}, now=NOW)  # fmt: skip
    existing = [
        ExistingReminder(reminder_id="a", lead=24 * H, status="scheduled"),
        ExistingReminder(reminder_id="b", lead=H, status="deferred"),
        ExistingReminder(reminder_id="c", lead=2 * H, status="sent"),
    ]
    move = plan_move(existing, planned)
    assert [rid for rid, _ in move.reschedule] == ["a"]
    assert [p.lead for p in move.create] == [2 * H]  # a sent one gets a successor
    assert move.cancel == ["b"]
    in_flight = [ExistingReminder(reminder_id="d", lead=24 * H, status="dispatched")]
    assert plan_move(in_flight, planned).create == [p for p in planned if p.lead == 2 * H]


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = ReminderPolicy(backoff_base_s=10, backoff_max_s=100)
    rng = random.Random(4)
    delays = [policy.backoff(n, rng).total_seconds() for n in range(1, 8)]
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20 and 20 <= delays[2] <= 40
    assert all(50 <= d <= 100 for d in delays[4:])


def test_stale_means_past_the_appointment_or_too_long_overdue() -> None:
    policy = ReminderPolicy(stale_after_s=3600)
    assert not policy.is_stale(NOW, NOW - 0.5 * H, None)
    assert policy.is_stale(NOW, NOW - 2 * H, None)
    assert policy.is_stale(NOW, NOW - 0.1 * H, NOW)  # the appointment has started
