"""The connectivity gate: nothing is sent for a session that is not connected; a reminder that
falls due meanwhile is deferred once and goes out, paced, after session.connected."""

import asyncio

from contracts.commands import Accepted, Refused
from contracts.events import SessionDeleted
from contracts.reminders import ScheduleReminder
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.reminder.pacing import PACED, JumpingClock, dispatch_times, gaps, spacing
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import (
    command,
    events,
    reminder_ids,
    reminder_service,
    soon,
)
from tests.support.waiting import eventually

TO = "201234567890"


async def schedule(bus: Bus, session: str, n: int = 1, due: float = 0.3) -> list[str]:
    ids: list[str] = []
    for i in range(n):
        reply = await command(bus, ScheduleReminder(
            tenant="t1", session=session, to=TO, text=f"hello {i}", due_at=soon(due)))  # fmt: skip
        assert isinstance(reply, Accepted), reply
        assert reply.reminder_ids and reply.sequence
        ids += reply.reminder_ids
    return ids


async def test_due_while_disconnected_is_deferred_once_then_sent_paced_after_connect(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    await standin.disconnect("t1", "s1")
    async with reminder_service(settings, PACED, clock=JumpingClock()):
        ids = await schedule(bus, "s1", n=5)

        async def all_deferred() -> bool:
            return len(await events(bus, "reminder.deferred")) == 5

        await eventually(all_deferred)
        await asyncio.sleep(0.5)  # time passes while down; nothing more may happen
        assert len(await events(bus, "reminder.deferred")) == 5  # once each, not once a tick
        assert standin.calls == []
        await standin.connect("t1", "s1")

        async def all_sent() -> list[str]:
            sent = reminder_ids(await events(bus, "reminder.sent"))
            return sent if sorted(sent) == sorted(ids) else []

        await eventually(all_sent)
    assert len(standin.calls) == 5 and standin.calls_while_down() == 0
    times = await dispatch_times(settings, "s1")  # by the service's (jumping) clock
    assert len(times) == 5 and min(gaps(times)) >= spacing(PACED), gaps(times)
    assert sorted(c.command.reminder_id or "" for c in standin.calls) == sorted(ids)


async def test_logged_out_session_waits_and_nothing_goes_before_a_new_connect(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s2")
    await standin.connect("t1", "s2")
    await standin.log_out("t1", "s2")
    async with reminder_service(settings):
        [rid] = await schedule(bus, "s2")

        async def deferred() -> bool:
            return len(await events(bus, "reminder.deferred")) == 1

        await eventually(deferred)
    # a restart changes nothing: still waiting, still not sent
    async with reminder_service(settings):
        await asyncio.sleep(0.5)
        assert standin.calls == [] and await events(bus, "reminder.sent") == []
        await standin.connect("t1", "s2")

        async def sent() -> bool:
            return len(await events(bus, "reminder.sent")) == 1

        await eventually(sent)
    assert [c.command.reminder_id for c in standin.calls] == [rid]
    assert standin.calls_while_down() == 0
    assert len(await events(bus, "reminder.deferred")) == 1


async def test_deleting_the_session_fails_its_waiting_reminders_and_refuses_new_ones(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s3")
    async with reminder_service(settings):
        [rid] = await schedule(bus, "s3", due=60)
        await standin.publish("t1", "s3", SessionDeleted())

        async def failed() -> list[str]:
            return reminder_ids(await events(bus, "reminder.failed"))

        assert await eventually(failed) == [rid]
        reply = await command(bus, ScheduleReminder(
            tenant="t1", session="s3", to=TO, text="x", due_at=soon(60)))  # fmt: skip
        assert isinstance(reply, Refused) and reply.code == "not_found"
    assert standin.calls == []
