"""The service layer in memory when sends go wrong: no answer is retried with backoff and the
same message id, then fails after max_attempts; a lost outcome is an attempt failed; a final
send failure and a deleted session fail the reminder visibly."""

from datetime import timedelta

from contracts.events import (
    ReminderDeferred,
    ReminderDispatched,
    ReminderFailed,
    ReminderRetrying,
    SessionDeleted,
)
from contracts.reminders import ScheduleReminder
from tests.unit.reminder.world import POLICY, World, world_with_session

M = timedelta(minutes=1)


async def one(world: World, rid: str = "r1") -> None:
    await world.handlers.handle(ScheduleReminder(tenant="t1", session="s1", to="201234567890",
                                                 text="hi", reminder_id=rid,
                                                 due_at=world.clock.now() + M))  # fmt: skip
    world.clock.advance(2 * M)


async def test_no_answer_is_retried_with_backoff_then_fails_after_max_attempts() -> None:
    world, standin = await world_with_session()
    await standin.stop()  # the session service is gone: no responders
    await one(world)
    retry_times = []
    for _ in range(POLICY.max_attempts):
        await world.tick()
        row = world.work.state.reminders["r1"]
        if row.status == "retrying":
            assert row.wake_at is not None and row.wake_at > world.clock.now()  # backoff
            retry_times.append(row.wake_at)
            world.clock.at = row.wake_at
    retrying = [p for p in world.payloads("reminder.retrying") if isinstance(p, ReminderRetrying)]
    assert [p.attempt for p in retrying] == [1, 2]  # each failed attempt but the last, visibly
    assert [p.retry_at for p in retrying] == retry_times
    assert all(p.reason.startswith("session_service_unavailable") for p in retrying)
    attempts = [p.attempt for p in world.payloads("reminder.dispatched")
                if isinstance(p, ReminderDispatched)]  # fmt: skip
    assert attempts == [1, 2, 3]
    messages = {p.message_id for p in world.payloads("reminder.dispatched")
                if isinstance(p, ReminderDispatched)}  # fmt: skip
    assert len(messages) == 1  # fixed before the first attempt
    [failed] = world.payloads("reminder.failed")
    assert isinstance(failed, ReminderFailed) and failed.attempts == 3
    assert failed.reason.startswith("send_failed: session_service_unavailable")
    assert world.counted("wa_reminders_failed", reason="send_failed") == 1


async def test_an_outcome_that_never_comes_is_an_attempt_failed() -> None:
    world, standin = await world_with_session()
    await one(world)
    standin.known.add(world.work.state.reminders["r1"].message_id)  # accepted, never logged
    await world.tick()
    assert world.work.state.reminders["r1"].status == "dispatched"
    world.clock.advance(timedelta(seconds=POLICY.outcome_timeout_s + 1))
    await world.tick()
    row = world.work.state.reminders["r1"]
    assert (row.status, row.last_reason) == ("retrying", "no_outcome")
    [retrying] = world.payloads("reminder.retrying")
    assert isinstance(retrying, ReminderRetrying)
    assert (retrying.attempt, retrying.reason, retrying.retry_at) == (1, "no_outcome", row.wake_at)


async def test_a_final_send_failure_fails_the_reminder_without_resending() -> None:
    world, standin = await world_with_session()
    standin.fail_next = 1
    await one(world)
    await world.tick()
    world.clock.advance(timedelta(hours=1))
    await world.tick()
    [failed] = world.payloads("reminder.failed")
    assert isinstance(failed, ReminderFailed) and failed.reason == "send_failed: boom"
    assert len(standin.sends) == 1


async def test_deleting_the_session_fails_its_waiting_reminders() -> None:
    world, standin = await world_with_session()
    await one(world, "r1")
    await standin.publish("t1", "s1", SessionDeleted())
    await world.pump()
    [failed] = world.payloads("reminder.failed")
    assert isinstance(failed, ReminderFailed) and failed.reason == "session_deleted"
    await world.tick()
    assert standin.sends == []


async def test_a_not_connected_refusal_defers_and_the_reminder_goes_on_the_next_try() -> None:
    world, standin = await world_with_session()
    standin.down_next = 1  # the gate has not seen the drop yet; the session service has
    await one(world, "r1")
    await world.tick()
    [deferred] = world.payloads("reminder.deferred")
    assert isinstance(deferred, ReminderDeferred) and deferred.reason == "session_not_connected"
    assert len(world.events("reminder.dispatched")) == 2 and len(standin.sends) == 1
    assert world.work.state.reminders["r1"].status == "sent"
