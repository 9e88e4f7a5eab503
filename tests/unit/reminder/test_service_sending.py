"""The service layer in memory: a reminder scheduled, sent when due, paced; cancelled; the
connectivity gate (deferred once while down, released on reconnect); staleness."""

import asyncio
import itertools
from datetime import timedelta

from contracts.commands import Accepted, Refused
from contracts.events import ReminderDeferred, ReminderFailed
from contracts.reminders import CancelReminder, ScheduleReminder
from tests.support.waiting import eventually
from tests.unit.reminder.world import POLICY, World, connect, disconnect, world_with_session

TO = "201234567890"
M = timedelta(minutes=1)


def schedule(world: World, rid: str | None = None, due: timedelta = M) -> ScheduleReminder:
    return ScheduleReminder(tenant="t1", session="s1", to=TO, text="hi", reminder_id=rid,
                            due_at=world.clock.now() + due)  # fmt: skip


async def test_a_reminder_is_scheduled_then_sent_once_due() -> None:
    world, standin = await world_with_session()
    reply = await world.handlers.handle(schedule(world, "r1"))
    [scheduled] = world.events("reminder.scheduled")
    assert isinstance(reply, Accepted) and reply.reminder_ids == ["r1"]
    assert reply.sequence == world.log.last_sequence  # where its event landed
    again = await world.handlers.handle(schedule(world, "r1", due=2 * M))  # a retried command
    assert isinstance(again, Accepted) and len(world.events("reminder.scheduled")) == 1
    await world.tick()
    assert standin.sends == []  # not due yet
    world.clock.advance(2 * M)
    await world.tick()
    assert [s.reminder_id for s in standin.sends] == ["r1"]
    assert [e.type for e in world.events("reminder.")] == [
        "reminder.scheduled", "reminder.dispatched", "reminder.sent"]  # fmt: skip
    assert world.work.state.reminders["r1"].status == "sent"
    assert world.counted("wa_reminders_sent") == 1
    assert scheduled.occurred_at == world.clock.now() - 2 * M  # the service's clock


async def test_a_burst_is_paced_by_the_session_rhythm() -> None:
    world, standin = await world_with_session()
    for _ in range(4):
        await world.handlers.handle(schedule(world))
    world.clock.advance(2 * M)
    await world.tick()
    times = sorted(r.dispatched_at for r in world.work.state.reminders.values() if r.dispatched_at)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(standin.sends) == 4 and min(gaps) >= timedelta(seconds=POLICY.pacing.min_spacing_s)


async def test_a_command_for_an_unknown_session_is_refused_and_changes_nothing() -> None:
    world, _ = await world_with_session()
    bad = ScheduleReminder(tenant="t1", session="nope", to=TO, text="x",
                           due_at=world.clock.now() + M)  # fmt: skip
    reply = await world.handlers.handle(bad)
    assert isinstance(reply, Refused) and reply.code == "not_found"
    assert world.events("reminder.") == [] and world.work.state.reminders == {}


async def test_cancel_is_idempotent_and_refused_once_sent() -> None:
    world, standin = await world_with_session()
    await world.handlers.handle(schedule(world, "r1"))
    await world.handlers.handle(schedule(world, "r2"))
    for _ in range(2):
        reply = await world.handlers.handle(CancelReminder(tenant="t1", reminder_id="r1"))
        assert isinstance(reply, Accepted) and reply.reminder_ids == ["r1"]
    assert len(world.events("reminder.cancelled")) == 1
    world.clock.advance(2 * M)
    await world.tick()
    assert [s.reminder_id for s in standin.sends] == ["r2"]  # a cancelled one never goes
    late = await world.handlers.handle(CancelReminder(tenant="t1", reminder_id="r2"))
    assert isinstance(late, Refused) and late.code == "already_final"
    missing = await world.handlers.handle(CancelReminder(tenant="t1", reminder_id="none"))
    assert isinstance(missing, Refused) and missing.code == "not_found"


async def test_due_while_down_is_deferred_once_and_goes_after_reconnect() -> None:
    world, standin = await world_with_session()
    await disconnect(world, standin)
    for _ in range(3):
        await world.handlers.handle(schedule(world))
    world.clock.advance(2 * M)
    await world.tick()
    world.clock.advance(30 * M)  # time passes while down: nothing more happens
    await world.tick()
    deferred = world.payloads("reminder.deferred")
    assert len(deferred) == 3 and all(isinstance(p, ReminderDeferred) for p in deferred)
    assert standin.sends == [] and world.counted("wa_reminders_deferred") == 3
    await connect(world, standin)
    await world.tick()
    assert len(standin.sends) == 3 and len(world.events("reminder.sent")) == 3
    assert len(world.events("reminder.deferred")) == 3


async def test_a_reminder_too_late_to_be_useful_fails_stale_without_a_send() -> None:
    world, standin = await world_with_session()
    await disconnect(world, standin)
    await world.handlers.handle(schedule(world, "r1"))
    world.clock.advance(2 * M)
    await world.tick()
    world.clock.advance(timedelta(seconds=POLICY.stale_after_s))
    await connect(world, standin)
    await world.tick()
    [failed] = world.payloads("reminder.failed")
    assert isinstance(failed, ReminderFailed) and failed.reason == "stale"
    assert standin.sends == []
    assert world.counted("wa_reminders_failed", reason="stale") == 1


async def test_the_timer_waits_for_the_next_due_time_and_wakes_on_a_change() -> None:
    world, standin = await world_with_session()
    world.dispatcher.ready.set()
    timer = asyncio.create_task(world.dispatcher.run())
    try:
        await world.handlers.handle(schedule(world, "r1", due=M))
        due = world.clock.now() + M

        async def armed_at_due() -> bool:
            return world.clock.armed == due

        await eventually(armed_at_due)  # no polling: it waits for that time or a change
        world.clock.advance(2 * M)
        world.dispatcher.wake()

        async def sent() -> bool:
            return len(standin.sends) == 1

        await eventually(sent)
    finally:
        world.stop.set()
        await timer
