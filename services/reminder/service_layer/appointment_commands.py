"""Appointment commands: an appointment's reminders are made, moved and cancelled with it."""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.commands import Refused
from contracts.envelope import Envelope, make_event
from contracts.events import (
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentScheduled,
    Event,
    ReminderCancelled,
    ReminderRescheduled,
    ReminderScheduled,
)
from contracts.ids import new_id
from contracts.reminders import CancelAppointment, CreateAppointment, MoveAppointment
from services.reminder.adapters.appointments_db import AppointmentsDb
from services.reminder.adapters.reminders_db import RemindersDb
from services.reminder.domain.appointments import ExistingReminder, Planned, plan, plan_move
from services.reminder.domain.model import PENDING, AppointmentRow, ReminderRow, new_reminder
from services.reminder.domain.texts import TextError
from services.reminder.service_layer.checks import Checks, Rejected, invalid
from services.reminder.service_layer.clock import Clock

__all__ = ["AppointmentCommands"]

Result = tuple[str, list[str], Sequence[Envelope]]


def _local(starts_at: datetime, offset_s: int) -> datetime:
    """The start time back in the zone offset the client gave (texts show local times)."""
    return starts_at.astimezone(timezone(timedelta(seconds=offset_s)))


class AppointmentCommands:
    def __init__(
        self, reminders: RemindersDb, appointments: AppointmentsDb, checks: Checks, clock: Clock
    ) -> None:
        self.reminders = reminders
        self.appointments = appointments
        self.checks = checks
        self.clock = clock
        self.outbox = reminders.outbox

    async def handle(
        self, command: CreateAppointment | MoveAppointment | CancelAppointment
    ) -> Result:
        match command:
            case CreateAppointment():
                return await self._create(command)
            case MoveAppointment():
                return await self._move(command)
            case CancelAppointment():
                return await self._cancel(command)

    def _plan(self, appt: AppointmentRow, starts_at: datetime, now: datetime) -> list[Planned]:
        try:
            fields = json.loads(appt.fields)
            return plan(title=appt.title, starts_at=starts_at, leads=appt.leads,
                        template=appt.template, fields=fields, now=now)  # fmt: skip
        except TextError as exc:
            raise invalid(exc.field, exc.message) from exc

    async def _create(self, cmd: CreateAppointment) -> Result:
        now = self.clock.now()
        self.checks.ids(session=cmd.session, appointment_id=cmd.appointment_id)
        if cmd.appointment_id is not None:  # a retried command, even once its start is past
            async with self.reminders.engine.connect() as conn:
                if await self.appointments.get(conn, cmd.tenant, cmd.appointment_id) is not None:
                    existing = await self.reminders.of_appointment(conn, cmd.appointment_id)
                    return cmd.appointment_id, [r.id for r in existing], []
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
            utc_offset_s=int(offset.total_seconds()),
            remind_before_s=",".join(str(int(d.total_seconds())) for d in cmd.remind_before),
            template=cmd.template, fields=json.dumps(cmd.fields), status="scheduled",
            created_at=now, updated_at=now,
        )  # fmt: skip
        planned = self._plan(appt, cmd.starts_at, now)
        if not planned:
            raise Rejected(Refused(code="due_in_past", message="every lead time is already past",
                                   details={"field": "remind_before"}))  # fmt: skip
        async with self.reminders.engine.begin() as conn:
            if await self.appointments.get(conn, cmd.tenant, appt.id) is not None:
                existing = await self.reminders.of_appointment(conn, appt.id)
                return appt.id, [r.id for r in existing], []  # a retried command
            if await self.appointments.taken(conn, appt.id):  # another tenant's
                raise invalid("appointment_id", "this appointment_id is taken; choose another")
            await self.appointments.insert(conn, appt)
            rows = [self._reminder(appt, item, now) for item in planned]
            first = self._event(appt, AppointmentScheduled(
                appointment_id=appt.id, to=to_jid, title=appt.title, starts_at=appt.starts_at,
                remind_before=appt.leads, reminder_ids=[r.id for r in rows]))  # fmt: skip
            await self.outbox.stage(conn, first)
            events = [first, *await self._insert_all(conn, appt, rows)]
        return appt.id, [r.id for r in rows], events

    def _reminder(self, appt: AppointmentRow, item: Planned, now: datetime) -> ReminderRow:
        return new_reminder(
            tenant=appt.tenant, session=appt.session, to_jid=appt.to_jid, text=item.text,
            due_at=item.due_at, expires_at=appt.starts_at, appointment_id=appt.id,
            lead_s=int(item.lead.total_seconds()), created_at=now,
        )  # fmt: skip

    async def _insert_all(
        self, conn: AsyncConnection, appt: AppointmentRow, rows: list[ReminderRow]
    ) -> list[Envelope]:
        events = []
        for row in rows:
            await self.reminders.insert(conn, row)
            event = self._event(appt, ReminderScheduled(
                reminder_id=row.id, to=row.to_jid, text=row.text, due_at=row.due_at,
                appointment_id=appt.id))  # fmt: skip
            await self.outbox.stage(conn, event)
            events.append(event)
        return events

    async def _load(
        self, conn: AsyncConnection, tenant: str, appointment_id: str
    ) -> AppointmentRow:
        appt = await self.appointments.get(conn, tenant, appointment_id)
        if appt is None:
            raise Rejected(Refused(code="not_found", message="no such appointment"))
        if appt.status != "scheduled":
            raise Rejected(Refused(code="already_final", message="the appointment is cancelled"))
        return appt

    async def _move(self, cmd: MoveAppointment) -> Result:
        now = self.clock.now()
        if cmd.starts_at is not None:
            self.checks.future("starts_at", cmd.starts_at, now)
        if cmd.remind_before is not None:
            self.checks.leads(cmd.remind_before)
        if cmd.title is not None and not cmd.title.strip():
            raise invalid("title", "the title is empty")
        async with self.reminders.engine.begin() as conn:
            old = await self._load(conn, cmd.tenant, cmd.appointment_id)
            starts_at = cmd.starts_at or _local(old.starts_at, old.utc_offset_s)
            values = {
                "title": (cmd.title or old.title).strip(),
                "starts_at": starts_at,
                "utc_offset_s": int((starts_at.utcoffset() or timedelta(0)).total_seconds()),
                "remind_before_s": old.remind_before_s if cmd.remind_before is None else ",".join(
                    str(int(d.total_seconds())) for d in cmd.remind_before),
                "updated_at": now,
            }  # fmt: skip
            appt = AppointmentRow(**{**old.__dict__, **values})
            planned = self._plan(appt, starts_at, now)
            current = await self.reminders.of_appointment(conn, appt.id)
            existing = [ExistingReminder(reminder_id=r.id, lead=r.lead or timedelta(0),
                                         status=r.status) for r in current]  # fmt: skip
            move = plan_move(existing, planned)
            await self.appointments.update(conn, appt.id, "scheduled", **values)
            events: list[Envelope] = []
            by_id = {r.id: r for r in current}
            for rid, item in move.reschedule:
                event = self._event(appt, ReminderRescheduled(
                    reminder_id=rid, due_at=item.due_at, text=item.text))  # fmt: skip
                if await self.reminders.transition(
                    conn, by_id[rid], list(PENDING), [event], status="scheduled",
                    due_at=item.due_at, wake_at=item.due_at, text=item.text,
                    expires_at=starts_at, was_deferred=False, updated_at=now,
                ):  # fmt: skip
                    events.append(event)
            for rid in move.cancel:
                event = self._event(appt, ReminderCancelled(reminder_id=rid, reason="moved"))
                if await self.reminders.transition(conn, by_id[rid], list(PENDING), [event],
                                                   status="cancelled", wake_at=None,
                                                   updated_at=now):  # fmt: skip
                    events.append(event)
            fresh = [self._reminder(appt, item, now) for item in move.create]
            events += await self._insert_all(conn, appt, fresh)
            live = [rid for rid, _ in move.reschedule] + [r.id for r in fresh]
            moved = self._event(appt, AppointmentMoved(
                appointment_id=appt.id, title=appt.title, starts_at=starts_at,
                remind_before=appt.leads, reminder_ids=live))  # fmt: skip
            await self.outbox.stage(conn, moved)
            events.append(moved)
        return appt.id, live, events

    async def _cancel(self, cmd: CancelAppointment) -> Result:
        now = self.clock.now()
        async with self.reminders.engine.begin() as conn:
            appt = await self._load(conn, cmd.tenant, cmd.appointment_id)
            await self.appointments.update(conn, appt.id, "scheduled", status="cancelled",
                                           updated_at=now)  # fmt: skip
            first = self._event(appt, AppointmentCancelled(appointment_id=appt.id,
                                                           reason="requested"))  # fmt: skip
            await self.outbox.stage(conn, first)
            events, ids = [first], []
            for row in await self.reminders.of_appointment(conn, appt.id):
                event = self._event(appt, ReminderCancelled(
                    reminder_id=row.id, reason="appointment_cancelled"))  # fmt: skip
                if row.status in PENDING and await self.reminders.transition(
                    conn, row, list(PENDING), [event], status="cancelled", wake_at=None,
                    updated_at=now,
                ):  # fmt: skip
                    events.append(event)
                    ids.append(row.id)
        return appt.id, ids, events

    def _event(self, appt: AppointmentRow, payload: Event) -> Envelope:
        return make_event(payload, tenant=appt.tenant, session=appt.session, correlation_id=appt.id)
