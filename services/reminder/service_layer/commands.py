"""Reminder command handlers: check, change the schedule with its events, answer at once."""

from collections.abc import Callable, Sequence
from datetime import datetime

from contracts.commands import Accepted, Refused
from contracts.envelope import Envelope
from contracts.events import ReminderCancelled, ReminderScheduled
from contracts.ids import new_id
from contracts.reminders import CancelReminder, ReminderCommand, ReminderReply, ScheduleReminder
from services.reminder.adapters.appointments_db import AppointmentsDb
from services.reminder.adapters.outbox import Outbox
from services.reminder.adapters.reminders_db import RemindersDb
from services.reminder.domain.model import PENDING, new_reminder
from services.reminder.domain.texts import TextError, render
from services.reminder.service_layer.appointment_commands import AppointmentCommands
from services.reminder.service_layer.checks import Checks, Rejected, invalid
from services.reminder.service_layer.clock import Clock
from services.reminder.service_layer.lifecycle import due_of, reminder_event

__all__ = ["CommandHandlers"]


class CommandHandlers:
    def __init__(
        self,
        reminders: RemindersDb,
        appointments: AppointmentsDb,
        outbox: Outbox,
        checks: Checks,
        clock: Clock,
        wake: Callable[[datetime | None], None],
    ) -> None:
        self.reminders = reminders
        self.outbox = outbox
        self.checks = checks
        self.clock = clock
        self.wake = wake
        self.appointments = AppointmentCommands(reminders, appointments, checks, clock)

    async def handle(self, command: ReminderCommand) -> ReminderReply:
        appointment_id: str | None = None
        try:
            match command:
                case ScheduleReminder():
                    ids, events = await self._schedule(command)
                case CancelReminder():
                    ids, events = await self._cancel(command)
                case _:
                    appointment_id, ids, events = await self.appointments.handle(command)
        except Rejected as rejected:
            return rejected.reply
        sequence = await self.outbox.sequence_of(events[-1]) if events else None
        dues = [due for event in events if (due := due_of(event)) is not None]
        self.wake(min(dues) if dues else None)
        return Accepted(sequence=sequence, reminder_ids=ids, appointment_id=appointment_id)

    async def _schedule(self, cmd: ScheduleReminder) -> tuple[list[str], Sequence[Envelope]]:
        now = self.clock.now()
        self.checks.ids(session=cmd.session, reminder_id=cmd.reminder_id)
        if cmd.reminder_id is not None:
            existing = await self.reminders.get(cmd.tenant, cmd.reminder_id)
            if existing is not None:  # a retried command: same answer, nothing new, even
                return [existing.id], []  # once its due time has passed
            if await self.reminders.taken(cmd.reminder_id):  # another tenant's
                raise invalid("reminder_id", "this reminder_id is taken; choose another")
        to_jid = self.checks.address(cmd.to)
        try:
            text = render(cmd.text, cmd.template, cmd.fields)
        except TextError as exc:
            raise invalid(exc.field, exc.message) from exc
        self.checks.future("due_at", cmd.due_at, now)
        await self.checks.session(cmd.tenant, cmd.session)
        row = new_reminder(
            id=cmd.reminder_id or new_id(), tenant=cmd.tenant, session=cmd.session,
            to_jid=to_jid, text=text, due_at=cmd.due_at, created_at=now,
        )  # fmt: skip
        event = reminder_event(row, ReminderScheduled(
            reminder_id=row.id, to=to_jid, text=text, due_at=row.due_at))  # fmt: skip
        async with self.reminders.engine.begin() as conn:
            await self.reminders.insert(conn, row)
            await self.outbox.stage(conn, event)
        return [row.id], [event]

    async def _cancel(self, cmd: CancelReminder) -> tuple[list[str], Sequence[Envelope]]:
        row = await self.reminders.get(cmd.tenant, cmd.reminder_id)
        if row is None:
            raise Rejected(Refused(code="not_found", message="no such reminder"))
        if row.status == "cancelled":
            return [row.id], []
        event = reminder_event(row, ReminderCancelled(reminder_id=row.id, reason="requested"))
        if not await self.reminders.change(
            row, list(PENDING), [event], status="cancelled", wake_at=None,
            updated_at=self.clock.now(),
        ):  # fmt: skip
            now = await self.reminders.get(cmd.tenant, row.id) or row
            message = f"the reminder is already {now.status}"
            raise Rejected(Refused(code="already_final", message=message))
        return [row.id], [event]
