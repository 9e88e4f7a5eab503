"""The service layer in memory: a plain reminder moved (``MoveReminder``) goes at its new
time and never at its old one; only a pending one moves; a repeat changes nothing."""

from datetime import timedelta

from contracts.commands import Accepted, Refused
from contracts.events import ReminderRescheduled
from contracts.reminders import (
    CancelReminder,
    CreateAppointment,
    MoveReminder,
    ReminderReply,
    ScheduleReminder,
)
from tests.unit.reminder.world import World, connect, disconnect, world_with_session

TO = "201234567890"
M = timedelta(minutes=1)


async def scheduled(world: World, rid: str, due: timedelta) -> None:
    cmd = ScheduleReminder(tenant="t1", session="s1", to=TO, text="hi", reminder_id=rid,
                           due_at=world.clock.now() + due)  # fmt: skip
    assert isinstance(await world.handlers.handle(cmd), Accepted)


async def move(
    world: World, rid: str, due: timedelta, text: str | None = None, template: str | None = None
) -> ReminderReply:
    cmd = MoveReminder(tenant="t1", reminder_id=rid, due_at=world.clock.now() + due, text=text,
                       template=template)  # fmt: skip
    return await world.handlers.handle(cmd)


def refusal(reply: ReminderReply) -> str:
    assert isinstance(reply, Refused), reply
    return reply.code


async def test_a_reminder_moved_later_goes_at_its_new_time_with_its_new_text() -> None:
    world, standin = await world_with_session()
    await scheduled(world, "r1", M)
    moved = await move(world, "r1", 10 * M, text="later")
    assert isinstance(moved, Accepted) and moved.reminder_ids == ["r1"]
    assert moved.sequence == world.log.last_sequence  # where its event landed
    [event] = world.payloads("reminder.rescheduled")
    assert isinstance(event, ReminderRescheduled) and event.text == "later"
    world.clock.advance(2 * M)  # past the old due time
    await world.tick()
    assert standin.sends == []
    world.clock.advance(8 * M)
    await world.tick()
    assert [(s.reminder_id, s.text) for s in standin.sends] == [("r1", "later")]
    assert [e.type for e in world.events("reminder.")] == [
        "reminder.scheduled", "reminder.rescheduled", "reminder.dispatched", "reminder.sent"
    ]  # fmt: skip


async def test_a_reminder_moved_earlier_goes_then_and_keeps_its_text() -> None:
    world, standin = await world_with_session()
    await scheduled(world, "r1", 60 * M)
    assert isinstance(await move(world, "r1", 2 * M), Accepted)
    world.clock.advance(2 * M)
    await world.tick()
    assert [(s.reminder_id, s.text) for s in standin.sends] == [("r1", "hi")]


async def test_a_repeated_move_changes_nothing_again() -> None:
    world, _ = await world_with_session()
    await scheduled(world, "r1", M)
    due = world.clock.now() + 5 * M
    for _ in range(2):
        reply = await world.handlers.handle(MoveReminder(tenant="t1", reminder_id="r1", due_at=due))
        assert isinstance(reply, Accepted) and reply.reminder_ids == ["r1"]
    assert len(world.events("reminder.rescheduled")) == 1


async def test_a_deferred_reminder_moved_waits_for_its_new_time() -> None:
    world, standin = await world_with_session()
    await scheduled(world, "r1", M)
    await disconnect(world, standin)
    world.clock.advance(2 * M)
    await world.tick()
    assert world.work.state.reminders["r1"].status == "deferred"
    assert isinstance(await move(world, "r1", 10 * M), Accepted)
    assert world.work.state.reminders["r1"].status == "scheduled"
    await connect(world, standin)
    await world.tick()
    assert standin.sends == []  # the reconnect no longer releases it: it is due later
    world.clock.advance(10 * M)
    await world.tick()
    assert [s.reminder_id for s in standin.sends] == ["r1"]


async def test_only_a_pending_plain_reminder_of_the_tenant_moves() -> None:
    world, _ = await world_with_session()
    await scheduled(world, "sent", M)
    world.clock.advance(2 * M)
    await world.tick()
    await scheduled(world, "gone", M)
    await world.handlers.handle(CancelReminder(tenant="t1", reminder_id="gone"))
    await scheduled(world, "r1", M)
    assert refusal(await move(world, "sent", M)) == "already_final"
    assert refusal(await move(world, "gone", M)) == "already_final"
    assert refusal(await move(world, "nope", M)) == "not_found"
    other = MoveReminder(tenant="t2", reminder_id="r1", due_at=world.clock.now() + M)
    assert refusal(await world.handlers.handle(other)) == "not_found"
    assert refusal(await move(world, "r1", -M)) == "due_in_past"
    assert refusal(await move(world, "r1", M, template="{nope}")) == "validation_failed"
    starts = world.clock.now() + 60 * M
    appointment = CreateAppointment(tenant="t1", session="s1", to=TO, title="Dentist",
                                    starts_at=starts, remind_before=[30 * M])  # fmt: skip
    made = await world.handlers.handle(appointment)
    assert isinstance(made, Accepted) and made.reminder_ids
    assert refusal(await move(world, made.reminder_ids[0], M)) == "part_of_appointment"
    assert world.events("reminder.rescheduled") == []  # nothing changed
