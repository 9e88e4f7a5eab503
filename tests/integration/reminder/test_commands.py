"""Reminder and appointment commands over NATS: validated, answered at once, each change an
event."""

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from contracts.commands import Accepted, Refused
from contracts.events import ReminderRescheduled, ReminderScheduled
from contracts.reminders import (
    CancelAppointment,
    CancelReminder,
    CreateAppointment,
    MoveAppointment,
    MoveReminder,
    ScheduleReminder,
)
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import (
    FAST,
    ShiftedClock,
    command,
    events,
    reminder_ids,
    reminder_service,
)
from tests.support.waiting import eventually

TO = "201234567890"
H = timedelta(hours=1)


def later(hours: float = 2) -> datetime:
    return datetime.now(UTC) + hours * H


async def test_bad_commands_are_refused_with_stable_codes_and_change_nothing(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.create("t2", "other")
    async with reminder_service(settings):

        def cmd(**kw: object) -> ScheduleReminder:
            base: dict[str, object] = {"tenant": "t1", "session": "s1", "to": TO, "text": "hi",
                                       "due_at": later()}  # fmt: skip
            return ScheduleReminder(**{**base, **kw})  # type: ignore[arg-type]

        cases = [
            (cmd(due_at=datetime.now(UTC) - H), "due_in_past"),
            (cmd(session="nope"), "not_found"),
            (cmd(session="other"), "not_found"),  # another tenant's session
            (cmd(to="12@nowhere.com"), "invalid_address"),
            (cmd(due_at=datetime(2030, 1, 1)), "validation_failed"),  # no timezone
            (cmd(text=None), "validation_failed"),
            (cmd(text=None, template="Hi {name}"), "validation_failed"),
            (cmd(session="a.b"), "validation_failed"),
        ]
        for bad, code in cases:
            reply = await command(bus, bad)
            assert isinstance(reply, Refused) and reply.code == code, (bad, reply)
        reply = await command(bus, cmd(to="12@nowhere.com"))
        assert isinstance(reply, Refused) and reply.details["reason"] == "unknown_server"
        assert await events(bus, "reminder.>") == []
        missing = await command(bus, CancelReminder(tenant="t1", reminder_id="nope"))
        assert isinstance(missing, Refused) and missing.code == "not_found"


async def test_schedule_cancel_and_an_idempotent_retry(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.create("t2", "other")
    async with reminder_service(settings):
        first = await command(bus, ScheduleReminder(
            tenant="t1", session="s1", to="01123087745", template="Hi {name}",
            fields={"name": "Mona"}, due_at=later(), reminder_id="r-1"))  # fmt: skip
        assert isinstance(first, Accepted) and first.reminder_ids == ["r-1"] and first.sequence
        retry = ScheduleReminder(
            tenant="t1", session="s1", to=TO, text="x", due_at=later(), reminder_id="r-1"
        )
        again = await command(bus, retry)
        assert isinstance(again, Accepted) and again.reminder_ids == ["r-1"]
        [scheduled] = await events(bus, "reminder.scheduled")
        assert isinstance(scheduled.payload, ReminderScheduled)
        assert scheduled.payload.to == "201123087745@s.whatsapp.net"  # parsed, local to EG
        assert scheduled.payload.text == "Hi Mona"
        other = await command(bus, CancelReminder(tenant="t2", reminder_id="r-1"))
        assert isinstance(other, Refused) and other.code == "not_found"  # not theirs
        taken = ScheduleReminder(
            tenant="t2", session="other", to=TO, text="x", due_at=later(), reminder_id="r-1"
        )
        clash = await command(bus, taken)
        assert isinstance(clash, Refused) and clash.code == "validation_failed"
        cancelled = await command(bus, CancelReminder(tenant="t1", reminder_id="r-1"))
        assert isinstance(cancelled, Accepted) and cancelled.sequence
        assert len(await events(bus, "reminder.cancelled")) == 1


async def test_a_retry_after_its_due_time_is_still_the_first_command(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    """A client retrying (same id) after a failed answer may come back once the due time or
    the start has passed: the reminder and the appointment exist, so the retry is accepted
    with their ids, and nothing new is scheduled."""
    await standin.create("t1", "s1")
    async with reminder_service(settings):
        first = ScheduleReminder(
            tenant="t1", session="s1", to=TO, text="x", due_at=later(), reminder_id="r-late"
        )
        assert isinstance(await command(bus, first), Accepted)
        past = datetime.now(UTC) - H
        again = await command(bus, ScheduleReminder(**{**_fields(first), "due_at": past}))
        assert isinstance(again, Accepted) and again.reminder_ids == ["r-late"], again
        made = CreateAppointment(tenant="t1", session="s1", to=TO, title="Dentist",
                                 starts_at=later(48), appointment_id="a-late")  # fmt: skip
        created = await command(bus, made)
        assert isinstance(created, Accepted) and created.reminder_ids
        retried = await command(bus, CreateAppointment(**{**_fields(made), "starts_at": past}))
        assert isinstance(retried, Accepted) and retried.appointment_id == "a-late", retried
        assert sorted(retried.reminder_ids or []) == sorted(created.reminder_ids)
        assert len(await events(bus, "reminder.scheduled")) == 1 + len(created.reminder_ids)
        assert len(await events(bus, "appointment.scheduled")) == 1


def _fields(command: ScheduleReminder | CreateAppointment) -> dict[str, Any]:
    return {name: getattr(command, name) for name in command.__struct_fields__}


async def test_an_appointment_makes_moves_and_cancels_its_reminders(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    async with reminder_service(settings):
        created = await command(bus, CreateAppointment(
            tenant="t1", session="s1", to=TO, title="Dentist", starts_at=later(48),
            remind_before=[24 * H, H]))  # fmt: skip
        assert isinstance(created, Accepted) and created.appointment_id
        assert created.reminder_ids and len(created.reminder_ids) == 2
        appointment = created.appointment_id
        moved = await command(bus, MoveAppointment(
            tenant="t1", appointment_id=appointment, starts_at=later(72)))  # fmt: skip
        assert isinstance(moved, Accepted) and sorted(moved.reminder_ids or []) == sorted(
            created.reminder_ids
        )
        rescheduled = [e.payload for e in await events(bus, "reminder.rescheduled")]
        assert len(rescheduled) == 2
        assert all(isinstance(p, ReminderRescheduled) for p in rescheduled)
        fewer = await command(bus, MoveAppointment(
            tenant="t1", appointment_id=appointment, remind_before=[2 * H]))  # fmt: skip
        assert isinstance(fewer, Accepted) and len(fewer.reminder_ids or []) == 1
        assert len(await events(bus, "reminder.cancelled")) == 2  # both old leads dropped
        past = await command(bus, CreateAppointment(
            tenant="t1", session="s1", to=TO, title="x", starts_at=later(0.5),
            remind_before=[H]))  # fmt: skip
        assert isinstance(past, Refused) and past.code == "due_in_past"
        done = await command(bus, CancelAppointment(tenant="t1", appointment_id=appointment))
        assert isinstance(done, Accepted) and done.reminder_ids == fewer.reminder_ids
        again = await command(bus, CancelAppointment(tenant="t1", appointment_id=appointment))
        assert isinstance(again, Refused) and again.code == "already_final"
        types = [e.type for e in await events(bus, "appointment.>")]
        assert types == [
            "appointment.scheduled", "appointment.moved", "appointment.moved",
            "appointment.cancelled",
        ]  # fmt: skip


async def test_a_moved_reminder_goes_at_its_new_time_not_its_old(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    """Its old due time passes with nothing sent (a later-scheduled one goes first), then it
    goes once its new time comes; a sent one can no longer be moved."""
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    clock = ShiftedClock()
    async with reminder_service(settings, FAST, clock=clock):

        async def schedule(rid: str, due: datetime) -> None:
            cmd = ScheduleReminder(tenant="t1", session="s1", to=TO, text=rid, due_at=due,
                                   reminder_id=rid)  # fmt: skip
            assert isinstance(await command(bus, cmd), Accepted)

        def sent() -> list[str]:
            return [call.command.reminder_id or "" for call in standin.sends()]

        async def sent_are(*ids: str) -> bool:
            return sorted(sent()) == sorted(ids)

        await schedule("moved", later(1))
        move = MoveReminder(tenant="t1", reminder_id="moved", due_at=later(3), text="new")
        moved = await command(bus, move)
        assert isinstance(moved, Accepted) and moved.reminder_ids == ["moved"] and moved.sequence
        clock.offset = 2 * H  # past its old due time, before its new one
        await schedule("marker", clock.now() + timedelta(seconds=1))
        await standin.connect("t1", "s1")  # the timer looks again after the clock's jump
        await eventually(lambda: sent_are("marker"))
        clock.offset = 3 * H
        await schedule("wake", clock.now() + timedelta(seconds=1))
        await standin.connect("t1", "s1")
        await eventually(lambda: sent_are("marker", "moved", "wake"))
        assert [c.command.text for c in standin.sends() if c.command.reminder_id == "moved"] == [
            "new"
        ]
        late = await command(bus, msgspec.structs.replace(move, due_at=clock.now() + H))
        assert isinstance(late, Refused) and late.code == "already_final"
    found = await events(bus, "reminder.>")
    types = [e.type for e, rid in zip(found, reminder_ids(found), strict=True) if rid == "moved"]
    assert types[:3] == ["reminder.scheduled", "reminder.rescheduled", "reminder.dispatched"]
