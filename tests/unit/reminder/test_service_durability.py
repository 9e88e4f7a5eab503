"""The service layer in memory across crashes: an effect committed but not published (the
outbox), the same events delivered twice (the tracking record), a restart, two instances."""

from datetime import timedelta

from contracts.reminders import ScheduleReminder
from runtime.messaging import Delivered
from tests.unit.reminder.world import World, connect, disconnect, world_with_session

M = timedelta(minutes=1)


def schedule(world: World, rid: str, session: str = "s1") -> ScheduleReminder:
    return ScheduleReminder(tenant="t1", session=session, to="201234567890", text="hi",
                            reminder_id=rid, due_at=world.clock.now() + M)  # fmt: skip


async def test_a_crash_between_the_effect_and_its_publish_loses_nothing() -> None:
    world, standin = await world_with_session()
    await world.handlers.handle(schedule(world, "r1"))
    world.clock.advance(2 * M)
    world.publisher.down = True  # the log stops taking events
    await world.tick()  # dispatched and sent: committed, their events staged, not published
    assert world.work.state.reminders["r1"].status == "sent"
    assert [e.type for e in world.events("reminder.")] == ["reminder.scheduled"]
    restarted = await World(world.stores).start()  # the process died; a new one starts
    assert [e.type for e in restarted.events("reminder.")] == [
        "reminder.scheduled", "reminder.dispatched", "reminder.sent"]  # fmt: skip
    assert restarted.work.state.reminders["r1"].status == "sent"
    assert len(standin.sends) == 1


async def test_a_publish_repeated_after_a_crash_is_in_the_log_once() -> None:
    world, _ = await world_with_session()
    async with world.work.begin() as tx:  # staged, then published, then the crash: the
        message = await tx.stage(world.events("session.connected")[0])  # delete never ran
    published = await world.relay.sequence_of(message)
    again = await world.relay.sequence_of(message)
    assert published == again and len(world.events("session.connected")) == 1


async def test_events_delivered_again_are_applied_once() -> None:
    world, _ = await world_with_session()
    await world.handlers.handle(schedule(world, "r1"))
    world.clock.advance(2 * M)
    await world.tick()
    log = world.log.events
    batch = [Delivered(e.sequence, env) for e, env in zip(log, world.events(), strict=True)]
    commits = world.work.commits
    await world.reactor.apply(batch)  # redelivered (no ack before a crash, say)
    restarted = World(world.stores)
    await restarted.reactor.position()  # as its feed does first
    await restarted.reactor.apply(batch)  # and to a restarted process
    assert world.work.commits == commits  # known by position: nothing applied again
    await World(world.stores).reactor.apply(batch)  # even blind, the guards hold
    assert len(world.events("reminder.sent")) == 1
    assert await world.work.position("reminder-main") == world.log.last_sequence


async def test_a_restart_keeps_deferred_reminders_waiting_and_sends_them_once() -> None:
    world, standin = await world_with_session()
    await disconnect(world, standin)
    await world.handlers.handle(schedule(world, "r1"))
    world.clock.advance(2 * M)
    await world.tick()
    restarted = await World(world.stores).start()
    await restarted.tick()
    assert standin.sends == [] and restarted.work.state.reminders["r1"].status == "deferred"
    await connect(restarted, standin)
    await restarted.tick()
    assert [s.reminder_id for s in standin.sends] == ["r1"]
    assert len(restarted.events("reminder.deferred")) == 1


async def test_two_instances_share_the_work_but_never_one_session() -> None:
    first, standin = await world_with_session()
    second = await World(first.stores, instance="b").start()
    await first.handlers.handle(schedule(first, "r1"))
    first.clock.advance(2 * M)
    assert await first.leases.acquire("t1.s1")  # the first holds the session's lease
    assert await second.tick() is True  # blocked: it waits for the lease, sends nothing
    assert standin.sends == []
    await first.leases.release("t1.s1")
    assert await second.tick() is False
    assert [s.reminder_id for s in standin.sends] == ["r1"]
    await first.tick()
    assert len(standin.sends) == 1
