"""Appointment commands: an appointment's reminders are made, moved and cancelled with it."""

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from contracts.commands import Refused
from contracts.envelope import Envelope, make_event
from contracts.events import Event
from contracts.ids import new_id
from contracts.reminders import CancelAppointment, CreateAppointment, MoveAppointment
from services.reminder.domain import appointment_changes as decide
from services.reminder.domain.appointment_changes import AppointmentDecision, NewIds
from services.reminder.domain.appointments import Planned, plan
from services.reminder.domain.errors import Refusal
from services.reminder.domain.model import AppointmentRow
from services.reminder.domain.texts import TextError
from services.reminder.service_layer.checks import Checks, Rejected, invalid, refused
from services.reminder.service_layer.ports import ReminderTx
from services.reminder.service_layer.recorder import Recorder, Staged

__all__ = ["AppointmentCommands"]

Result = tuple[str, list[str], Sequence[Staged]]
CHANGE_TRIES = 3  # an appointment changed under a move or cancel: decide again, this often


class AppointmentCommands:
    def __init__(self, recorder: Recorder, checks: Checks, new_ids: NewIds) -> None:
        self.recorder = recorder
        self.checks = checks
        self.clock = recorder.clock
        self.new_ids = new_ids

    async def handle(
        self, command: CreateAppointment | MoveAppointment | CancelAppointment
    ) -> Result:
        try:
            match command:
                case CreateAppointment():
                    return await self._create(command)
                case MoveAppointment():
                    return await self._move(command)
                case CancelAppointment():
                    return await self._cancel(command)
        except Refusal as refusal:
            raise refused(refusal) from refusal

    def _plan(self, appt: AppointmentRow, now: datetime) -> list[Planned]:
        try:
            return plan(title=appt.title, starts_at=appt.starts_at, leads=appt.leads,
                        template=appt.template, fields=json.loads(appt.fields),
                        now=now)  # fmt: skip
        except TextError as exc:
            raise invalid(exc.field, exc.message) from exc

    async def _existing(self, tx: ReminderTx, tenant: str, appointment_id: str) -> Result | None:
        """A retried command (even once its start is past): the same answer, nothing new."""
        if await tx.appointment(tenant, appointment_id) is None:
            return None
        return appointment_id, [r.id for r in await tx.of_appointment(appointment_id)], []

    async def _create(self, cmd: CreateAppointment) -> Result:
        now = self.clock.now()
        self.checks.ids(session=cmd.session, appointment_id=cmd.appointment_id)
        if cmd.appointment_id is not None:
            async with self.recorder.uow.begin() as tx:
                if found := await self._existing(tx, cmd.tenant, cmd.appointment_id):
                    return found
        to_jid = self.checks.address(cmd.to)
        if not cmd.title.strip():
            raise invalid("title", "the title is empty")
        self.checks.leads(cmd.remind_before)
        self.checks.future("starts_at", cmd.starts_at, now)
        await self.checks.session(cmd.tenant, cmd.session)
        offset = cmd.starts_at.utcoffset() or timedelta(0)
        appt = AppointmentRow(
            id=cmd.appointment_id or new_id(), tenant=cmd.tenant, session=cmd.session,
            to_jid=to_jid, title=cmd.title.strip(), starts_at=cmd.starts_at,
            utc_offset_s=int(offset.total_seconds()), remind_before_s=decide.leads_s(
                cmd.remind_before), template=cmd.template, fields=json.dumps(cmd.fields),
            status="scheduled", created_at=now, updated_at=now,
        )  # fmt: skip
        decision = decide.create(appt, self._plan(appt, now), now, self.new_ids)
        async with self.recorder.uow.begin() as tx:
            if found := await self._existing(tx, cmd.tenant, appt.id):
                return found
            if await tx.appointment_taken(appt.id):  # another tenant's
                raise invalid("appointment_id", "this appointment_id is taken; choose another")
            await tx.save_appointment(appt, expect=None)
            events, _ = await self._write(tx, decision)
        return appt.id, list(decision.live), events

    async def _load(self, tx: ReminderTx, tenant: str, appointment_id: str) -> AppointmentRow:
        appt = await tx.appointment(tenant, appointment_id)
        if appt is None:
            raise Rejected(Refused(code="not_found", message="no such appointment"))
        return appt

    async def _move(self, cmd: MoveAppointment) -> Result:
        now = self.clock.now()
        if cmd.starts_at is not None:
            self.checks.future("starts_at", cmd.starts_at, now)
        if cmd.remind_before is not None:
            self.checks.leads(cmd.remind_before)
        if cmd.title is not None and not cmd.title.strip():
            raise invalid("title", "the title is empty")

        async def attempt(tx: ReminderTx, old: AppointmentRow) -> Result | None:
            appt = decide.moved(old, title=cmd.title, starts_at=cmd.starts_at,
                                remind_before=cmd.remind_before, now=now)  # fmt: skip
            current = await tx.of_appointment(appt.id)
            decision = decide.move(appt, current, self._plan(appt, now), now, self.new_ids)
            if not await tx.save_appointment(appt, expect="scheduled"):
                return None
            events, _ = await self._write(tx, decision)
            return appt.id, list(decision.live), events

        return await self._changing(cmd.tenant, cmd.appointment_id, attempt)

    async def _cancel(self, cmd: CancelAppointment) -> Result:
        now = self.clock.now()

        async def attempt(tx: ReminderTx, appt: AppointmentRow) -> Result | None:
            decision = decide.cancel_appointment(appt, await tx.of_appointment(appt.id), now)
            if not await tx.save_appointment(decision.appointment, expect="scheduled"):
                return None
            events, written = await self._write(tx, decision)
            return appt.id, written, events

        return await self._changing(cmd.tenant, cmd.appointment_id, attempt)

    async def _changing(
        self, tenant: str, appointment_id: str,
        attempt: Callable[[ReminderTx, AppointmentRow], Awaitable[Result | None]],
    ) -> Result:  # fmt: skip
        """``attempt`` on the appointment as stored; when it changed underneath (the save's
        compare-and-set failed: nothing was written), decided again on what it is now."""
        for _ in range(CHANGE_TRIES):
            async with self.recorder.uow.begin() as tx:
                result = await attempt(tx, await self._load(tx, tenant, appointment_id))
            if result is not None:
                return result
        message = "the appointment keeps changing; try again"
        raise Rejected(Refused(code="already_final", message=message))

    async def _write(
        self, tx: ReminderTx, decision: AppointmentDecision
    ) -> tuple[list[Staged], list[str]]:
        """The decision's events in order (a reminder's only if its change still held), and
        the reminders changed."""
        appt = decision.appointment
        events = await self.recorder.stage(tx, [self._event(appt, e) for e in decision.first])
        written: list[str] = []
        for change in decision.changes:
            staged = await self.recorder.write(tx, change, correlation_id=appt.id)
            if staged is not None:
                events += staged
                written.append(change.after.id)
        events += await self.recorder.stage(tx, [self._event(appt, e) for e in decision.last])
        return events, written

    def _event(self, appt: AppointmentRow, payload: Event) -> Envelope:
        return make_event(payload, tenant=appt.tenant, session=appt.session,
                          occurred_at=self.clock.now(), correlation_id=appt.id)  # fmt: skip
