"""Appointments' decisions: their events, and the changes of the reminders they carry."""

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest

from contracts.events import AppointmentCancelled, AppointmentMoved, AppointmentScheduled
from services.reminder.domain import appointment_changes as ac
from services.reminder.domain.appointments import plan
from services.reminder.domain.errors import Refusal
from services.reminder.domain.model import AppointmentRow
from tests.unit.reminder.domain_support import NOW, after, row

H = timedelta(hours=1)
_ids = itertools.count(1)


def new_ids() -> tuple[str, str]:
    n = next(_ids)
    return f"n{n}", f"3EB0{n:04d}"


def appointment(**values: object) -> AppointmentRow:
    base: dict[str, object] = {
        "id": "a1", "tenant": "t1", "session": "s1", "to_jid": "20100@s.whatsapp.net",
        "title": "Dentist", "starts_at": NOW + 48 * H, "utc_offset_s": 0,
        "remind_before_s": f"{24 * 3600},{3600}", "template": None, "fields": "{}",
        "status": "scheduled", "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    return AppointmentRow(**{**base, **values})  # type: ignore[arg-type]


def planned(appt: AppointmentRow) -> list[object]:
    return plan(title=appt.title, starts_at=appt.starts_at, leads=appt.leads, template=None,
                fields={}, now=NOW)  # type: ignore[return-value]  # fmt: skip


def test_creating_schedules_one_reminder_per_lead_after_the_appointment_event() -> None:
    appt = appointment()
    decision = ac.create(appt, planned(appt), NOW, new_ids)  # type: ignore[arg-type]
    [first] = decision.first
    assert isinstance(first, AppointmentScheduled) and first.reminder_ids == list(decision.live)
    rows = [c.after for c in decision.changes]
    assert [r.due_at for r in rows] == [NOW + 24 * H, NOW + 47 * H]
    assert all(r.expires_at == appt.starts_at and r.appointment_id == "a1" for r in rows)
    assert len({r.message_id for r in rows}) == 2
    with pytest.raises(Refusal) as refused:
        ac.create(appt, [], NOW, new_ids)
    assert refused.value.code == "due_in_past" and refused.value.details == {
        "field": "remind_before"}  # fmt: skip


def test_moving_reschedules_pending_cancels_dropped_and_succeeds_a_sent_one() -> None:
    moved = appointment(starts_at=NOW + 72 * H, remind_before_s=f"{24 * 3600},{2 * 3600}")
    current = [
        row(id="a", lead_s=24 * 3600, appointment_id="a1"),
        row(id="b", lead_s=3600, appointment_id="a1", status="deferred"),
        row(id="c", lead_s=2 * 3600, appointment_id="a1", status="sent"),
    ]
    decision = ac.move(moved, current, planned(moved), NOW, new_ids)  # type: ignore[arg-type]
    by_id = {c.after.id: c.after for c in decision.changes}
    assert by_id["a"].status == "scheduled" and by_id["a"].due_at == NOW + 48 * H
    assert by_id["a"].expires_at == moved.starts_at
    assert by_id["b"].status == "cancelled" and "c" not in by_id
    [fresh] = [r for r in by_id.values() if r.id not in ("a", "b")]
    assert fresh.due_at == NOW + 70 * H
    [last] = decision.last
    assert isinstance(last, AppointmentMoved) and last.reminder_ids == ["a", fresh.id]
    assert decision.live == ("a", fresh.id)


def test_cancelling_cancels_its_pending_reminders_only() -> None:
    current = [row(id="a", status="scheduled"), row(id="b", status="dispatched"),
               row(id="c", status="retrying")]  # fmt: skip
    decision = ac.cancel_appointment(appointment(), current, NOW)
    assert decision.first == (AppointmentCancelled(appointment_id="a1", reason="requested"),)
    assert [c.after.id for c in decision.changes] == ["a", "c"]
    assert decision.appointment.status == "cancelled"
    with pytest.raises(Refusal) as refused:
        ac.move(decision.appointment, current, [], NOW, new_ids)
    assert refused.value.code == "already_final"
    with pytest.raises(Refusal):
        ac.cancel_appointment(replace(appointment(), status="cancelled"), current, NOW)
    assert after(decision.changes[0]).status == "cancelled"
