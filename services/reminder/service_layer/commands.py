"""Reminder command handlers: check, change the schedule with its events, answer at once."""

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime

from contracts.commands import Accepted, Refused
from contracts.ids import new_id
from contracts.reminders import (
    CancelReminder,
    MoveReminder,
    ReminderCommand,
    ReminderReply,
    ScheduleReminder,
)
from services.reminder.domain.change import Change
from services.reminder.domain.errors import Refusal
from services.reminder.domain.model import ReminderRow, new_message_id, new_reminder
from services.reminder.domain.texts import TextError, render
from services.reminder.domain.transitions import request_cancel, request_move, schedule
from services.reminder.service_layer.appointment_commands import AppointmentCommands
from services.reminder.service_layer.checks import Checks, Rejected, invalid, refused
from services.reminder.service_layer.ports import ScheduleReads
from services.reminder.service_layer.recorder import Recorder, Staged, due_of

__all__ = ["CommandHandlers", "new_ids"]

DECIDE_TRIES = 3  # a reminder that keeps moving under a cancel or move: answer where it is
Decide = Callable[[ReminderRow, datetime], Change | None]


def new_ids() -> tuple[str, str]:
    """A new reminder's id and its message id, fixed before any attempt."""
    return new_id(), new_message_id(secrets.token_hex(9))


class CommandHandlers:
    def __init__(
        self,
        recorder: Recorder,
        reads: ScheduleReads,
        checks: Checks,
        wake: Callable[[datetime | None], None],
    ) -> None:
        self.recorder = recorder
        self.reads = reads
        self.checks = checks
        self.clock = recorder.clock
        self.wake = wake
        self.appointments = AppointmentCommands(recorder, checks, new_ids)

    async def handle(self, command: ReminderCommand) -> ReminderReply:
        appointment_id: str | None = None
        try:
            match command:
                case ScheduleReminder():
                    ids, events = await self._schedule(command)
                case CancelReminder():
                    ids, events = await self._decide(command.tenant, command.reminder_id,
                                                     request_cancel)  # fmt: skip
                case MoveReminder():
                    ids, events = await self._move(command)
                case _:
                    appointment_id, ids, events = await self.appointments.handle(command)
        except Rejected as rejected:
            return rejected.reply
        sequence = await self.recorder.relay.sequence_of(events[-1].message) if events else None
        dues = [due for event in events if (due := due_of(event.envelope)) is not None]
        self.wake(min(dues) if dues else None)
        return Accepted(sequence=sequence, reminder_ids=ids, appointment_id=appointment_id)

    async def _schedule(self, cmd: ScheduleReminder) -> tuple[list[str], Sequence[Staged]]:
        now = self.clock.now()
        self.checks.ids(session=cmd.session, reminder_id=cmd.reminder_id)
        if cmd.reminder_id is not None:
            existing = await self.reads.reminder(cmd.tenant, cmd.reminder_id)
            if existing is not None:  # a retried command: same answer, nothing new, even
                return [existing.id], []  # once its due time has passed
            if await self.reads.reminder_taken(cmd.reminder_id):  # another tenant's
                raise invalid("reminder_id", "this reminder_id is taken; choose another")
        to_jid = self.checks.address(cmd.to)
        text = self._text(cmd.text, cmd.template, cmd.fields)
        self.checks.future("due_at", cmd.due_at, now)
        await self.checks.session(cmd.tenant, cmd.session)
        reminder_id, message_id = new_ids()
        change = schedule(new_reminder(
            id=cmd.reminder_id or reminder_id, message_id=message_id, tenant=cmd.tenant,
            session=cmd.session, to_jid=to_jid, text=text, due_at=cmd.due_at, created_at=now,
        ))  # fmt: skip
        async with self.recorder.uow.begin() as tx:
            staged = await self.recorder.write(tx, change)
        if staged is None:
            raise invalid("reminder_id", "this reminder_id is taken; choose another")
        return [change.after.id], staged

    def _text(self, text: str | None, template: str | None, fields: dict[str, str]) -> str:
        try:
            return render(text, template, fields)
        except TextError as exc:
            raise invalid(exc.field, exc.message) from exc

    async def _move(self, cmd: MoveReminder) -> tuple[list[str], Sequence[Staged]]:
        self.checks.future("due_at", cmd.due_at, self.clock.now())
        text = None
        if cmd.text is not None or cmd.template is not None:
            text = self._text(cmd.text, cmd.template, cmd.fields)

        def move(row: ReminderRow, now: datetime) -> Change | None:
            return request_move(row, cmd.due_at, row.text if text is None else text, now)

        return await self._decide(cmd.tenant, cmd.reminder_id, move)

    async def _decide(
        self, tenant: str, reminder_id: str, decide: Decide
    ) -> tuple[list[str], Sequence[Staged]]:
        """A client's change of one reminder, decided on what it is now (again if it moved)."""
        for _ in range(DECIDE_TRIES):
            async with self.recorder.uow.begin() as tx:
                row = await tx.reminder(tenant, reminder_id)
                if row is None:
                    raise Rejected(Refused(code="not_found", message="no such reminder"))
                try:
                    change = decide(row, self.clock.now())
                except Refusal as refusal:
                    raise refused(refusal) from refusal
                if change is None:
                    return [row.id], []  # there already
                staged = await self.recorder.write(tx, change)
            if staged is not None:
                return [row.id], staged
        message = "the reminder keeps changing; try again"
        raise Rejected(Refused(code="already_final", message=message))
