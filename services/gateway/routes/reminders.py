"""Reminders: schedule, list, read (with history), move, cancel. Commands go to the reminder
service; reads come from the store, after it has applied the command's events."""

from aiohttp import web

from contracts.queries import GetReminder, ListReminders, ReminderList, ReminderView
from contracts.reminders import CancelReminder, MoveReminder, ScheduleReminder
from services.gateway.bodies.addressing import jid_of
from services.gateway.bodies.requests import (
    NewReminder,
    ReminderChange,
    ReminderParams,
    read_body,
    read_params,
)
from services.gateway.bodies.responses import ReminderPage, json_response
from services.gateway.bodies.schedule import check_schedule
from services.gateway.http.auth import tenant_of
from services.gateway.http.idempotency import keyed_id
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import path_id
from services.gateway.http.positions import min_sequence
from services.gateway.service_layer.created import read_created

ops = Operations("reminders")


@ops(
    "POST", "/v1/reminders", summary="Schedule a message to be sent through a session later",
    body=NewReminder, status=201, returns=ReminderView, errors=(404,), idempotent=True,
)  # fmt: skip
async def create_reminder(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    body = await read_body(request, NewReminder)
    check_schedule(request, "due_at", body.due_at)
    command = ScheduleReminder(
        tenant=tenant,
        session=body.session_id,
        to=jid_of(request, body.to),
        due_at=body.due_at,
        text=body.text,
        template=body.template,
        fields=body.fields,
        reminder_id=keyed_id(request),
        correlation_id=request_id(request),
    )
    backends = request.app[BACKENDS]
    accepted = await backends.accept_reminder(command)
    reminder_id = (accepted.reminder_ids or [""])[0]
    query = GetReminder(tenant=tenant, reminder_id=reminder_id, min_sequence=accepted.sequence or 0)
    return json_response(await read_created(backends, query, ReminderView), status=201)


@ops(
    "GET", "/v1/reminders", summary="Reminders by due time; optionally of a session or status",
    params=ReminderParams, returns=ReminderPage,
)  # fmt: skip
async def list_reminders(request: web.Request) -> web.Response:
    params = read_params(request, ReminderParams)
    query = ListReminders(
        tenant=tenant_of(request),
        session_id=params.session_id,
        status=params.status,
        cursor=params.cursor,
        limit=params.limit,
        min_sequence=await min_sequence(request, params.after_event),
    )
    page = await request.app[BACKENDS].read(query, ReminderList)
    return json_response(ReminderPage(items=page.items, next_cursor=page.next_cursor))


@ops(
    "GET", "/v1/reminders/{reminder_id}", summary="A reminder and its history",
    returns=ReminderView,
)  # fmt: skip
async def get_reminder(request: web.Request) -> web.Response:
    query = GetReminder(
        tenant=tenant_of(request), reminder_id=path_id(request, "reminder_id", "reminder")
    )
    return json_response(await request.app[BACKENDS].read(query, ReminderView))


@ops(
    "PATCH", "/v1/reminders/{reminder_id}",
    summary="Move a pending reminder to a new due time (and optionally a new text)",
    body=ReminderChange, returns=ReminderView, errors=(409,), idempotent=True,
)  # fmt: skip
async def move_reminder(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    reminder_id = path_id(request, "reminder_id", "reminder")
    body = await read_body(request, ReminderChange)
    check_schedule(request, "due_at", body.due_at)
    command = MoveReminder(
        tenant=tenant,
        reminder_id=reminder_id,
        due_at=body.due_at,
        text=body.text,
        template=body.template,
        fields=body.fields,
        correlation_id=request_id(request),
    )
    backends = request.app[BACKENDS]
    accepted = await backends.accept_reminder(command)
    query = GetReminder(tenant=tenant, reminder_id=reminder_id, min_sequence=accepted.sequence or 0)
    return json_response(await backends.read(query, ReminderView))


@ops(
    "DELETE", "/v1/reminders/{reminder_id}", summary="Cancel a pending reminder",
    returns=ReminderView, errors=(409,),
)  # fmt: skip
async def cancel_reminder(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    reminder_id = path_id(request, "reminder_id", "reminder")
    backends = request.app[BACKENDS]
    accepted = await backends.accept_reminder(
        CancelReminder(tenant=tenant, reminder_id=reminder_id, correlation_id=request_id(request))
    )
    query = GetReminder(tenant=tenant, reminder_id=reminder_id, min_sequence=accepted.sequence or 0)
    return json_response(await backends.read(query, ReminderView))
