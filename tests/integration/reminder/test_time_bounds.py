"""Times at the edge, sent to the reminder service over NATS as any client may: a time that
UTC cannot hold, and one beyond the horizon (WA_MAX_SCHEDULE_AHEAD_S), are refused with a
code, the service keeps answering, and nothing is written."""

from datetime import UTC, datetime, timedelta

import msgspec

from contracts.commands import Accepted, Refused
from contracts.reminders import CreateAppointment, MoveAppointment, ScheduleReminder
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import command, events, reminder_service

TO = "201234567890"
PAST_UTC = datetime.fromisoformat("9999-12-31T23:59:59-00:01")  # 10000-01-01 in UTC
BEFORE_UTC = datetime.fromisoformat("0001-01-01T00:00:00+00:01")  # year 0 in UTC
HORIZON = timedelta(days=30)


async def test_times_out_of_range_or_too_far_ahead_are_refused(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    tuned = msgspec.structs.replace(settings, max_schedule_ahead_s=HORIZON.total_seconds())
    far = datetime.now(UTC) + HORIZON + timedelta(hours=1)
    async with reminder_service(tuned):
        base = ScheduleReminder(tenant="t1", session="s1", to=TO, text="hi", due_at=far)
        appointment = CreateAppointment(
            tenant="t1", session="s1", to=TO, title="Dentist", starts_at=far
        )
        cases = [
            (msgspec.structs.replace(base, due_at=PAST_UTC), "validation_failed"),
            (msgspec.structs.replace(base, due_at=BEFORE_UTC), "validation_failed"),
            (base, "too_far_ahead"),
            (msgspec.structs.replace(appointment, starts_at=PAST_UTC), "validation_failed"),
            (appointment, "too_far_ahead"),
        ]
        for bad, code in cases:
            reply = await command(bus, bad)
            assert isinstance(reply, Refused) and reply.code == code, (bad, reply)
            assert reply.details["field"] in ("due_at", "starts_at")
        assert await events(bus, "reminder.>") == [] and await events(bus, "appointment.>") == []

        soon = datetime.now(UTC) + timedelta(days=2)
        created = await command(bus, msgspec.structs.replace(appointment, starts_at=soon))
        assert isinstance(created, Accepted) and created.appointment_id
        for starts_at, code in [(PAST_UTC, "validation_failed"), (far, "too_far_ahead")]:
            move = MoveAppointment(
                tenant="t1", appointment_id=created.appointment_id, starts_at=starts_at
            )
            reply = await command(bus, move)
            assert isinstance(reply, Refused) and reply.code == code, reply
        assert await events(bus, "reminder.rescheduled") == []
        assert await events(bus, "appointment.moved") == []
