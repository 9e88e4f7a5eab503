"""The service layer in memory for appointments: created with one reminder per lead, moved
(pending ones follow, a dropped lead is cancelled, a sent one gets a successor), cancelled."""

from dataclasses import replace
from datetime import timedelta

import pytest

from contracts.commands import Accepted, Refused
from contracts.events import ReminderCancelled
from contracts.reminders import CancelAppointment, CreateAppointment, MoveAppointment
from services.reminder.adapters.memory.store import MemoryReminderTx
from services.reminder.domain.model import AppointmentRow
from tests.unit.reminder.world import World, world_with_session

H = timedelta(hours=1)


def create(world: World) -> CreateAppointment:
    return CreateAppointment(tenant="t1", session="s1", to="201234567890", title="Dentist",
                             starts_at=world.clock.now() + 48 * H, remind_before=[24 * H, H],
                             appointment_id="a1")  # fmt: skip


def status(world: World) -> dict[str, str]:
    return {r.id: r.status for r in world.work.state.reminders.values()}


async def test_an_appointment_moves_and_cancels_with_its_reminders() -> None:
    world, standin = await world_with_session()
    made = await world.handlers.handle(create(world))
    assert isinstance(made, Accepted) and made.appointment_id == "a1" and made.reminder_ids
    assert len(made.reminder_ids) == 2
    assert [e.type for e in world.events("appointment.")] == ["appointment.scheduled"]
    again = await world.handlers.handle(create(world))  # a retried command
    assert isinstance(again, Accepted) and again.reminder_ids == made.reminder_ids
    world.clock.advance(25 * H)  # the day-before reminder goes
    await world.tick()
    assert len(standin.sends) == 1
    move = MoveAppointment(tenant="t1", appointment_id="a1", starts_at=world.clock.now() + 48 * H,
                           remind_before=[24 * H, 2 * H])  # fmt: skip
    moved = await world.handlers.handle(move)
    assert isinstance(moved, Accepted) and moved.reminder_ids and len(moved.reminder_ids) == 2
    [cancelled] = world.payloads("reminder.cancelled")  # the one-hour lead was dropped
    assert isinstance(cancelled, ReminderCancelled) and cancelled.reason == "moved"
    assert sorted(status(world).values()) == ["cancelled", "scheduled", "scheduled", "sent"]
    assert world.events()[-1].type == "appointment.moved"
    done = await world.handlers.handle(CancelAppointment(tenant="t1", appointment_id="a1"))
    assert isinstance(done, Accepted) and sorted(done.reminder_ids or []) == sorted(
        moved.reminder_ids
    )
    assert sorted(status(world).values()) == ["cancelled"] * 3 + ["sent"]
    late = await world.handlers.handle(move)
    assert isinstance(late, Refused) and late.code == "already_final"


@pytest.mark.parametrize("second", ["move", "cancel"])
async def test_a_move_or_cancel_racing_a_cancel_logs_nothing(
    second: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, _ = await world_with_session()
    assert isinstance(await world.handlers.handle(create(world)), Accepted)
    save, raced = MemoryReminderTx.save_appointment, []

    async def cancelled_meanwhile(
        tx: MemoryReminderTx, row: AppointmentRow, *, expect: str | None
    ) -> bool:
        if not raced:  # another cancel commits between this one's read and its update
            raced.append(row.id)
            tx.state.appointments[row.id] = replace(row, status="cancelled")
        return await save(tx, row, expect=expect)

    monkeypatch.setattr(MemoryReminderTx, "save_appointment", cancelled_meanwhile)
    command = (
        MoveAppointment(tenant="t1", appointment_id="a1", title="Dentist, again")
        if second == "move"
        else CancelAppointment(tenant="t1", appointment_id="a1")
    )
    reply = await world.handlers.handle(command)
    assert raced == ["a1"]
    assert isinstance(reply, Refused) and reply.code == "already_final"  # decided again
    assert [e.type for e in world.events("appointment.")] == ["appointment.scheduled"]
    assert world.payloads("reminder.cancelled") == []
