"""Appointments: one reminder per lead time before the start; listed by start with their
reminders; moved or cancelled together."""

from aiohttp import web

from contracts.commands import Accepted
from contracts.queries import AppointmentList, AppointmentView, GetAppointment, ListAppointments
from contracts.reminders import CancelAppointment, CreateAppointment, MoveAppointment
from services.gateway.bodies.addressing import jid_of
from services.gateway.bodies.requests import (
    AppointmentChange,
    AppointmentParams,
    NewAppointment,
    read_body,
    read_params,
)
from services.gateway.bodies.responses import AppointmentPage, json_response
from services.gateway.bodies.schedule import check_schedule
from services.gateway.http.auth import tenant_of
from services.gateway.http.idempotency import keyed_id
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import path_id
from services.gateway.http.positions import min_sequence
from services.gateway.service_layer.created import read_created

ops = Operations("appointments")


async def _read(request: web.Request, appointment_id: str, accepted: Accepted | None) -> object:
    query = GetAppointment(
        tenant=tenant_of(request),
        appointment_id=appointment_id,
        min_sequence=(accepted.sequence or 0) if accepted else 0,
    )
    return await request.app[BACKENDS].read(query, AppointmentView)


@ops(
    "POST", "/v1/appointments",
    summary="Create an appointment, with a reminder per lead time (default PT24H and PT1H)",
    body=NewAppointment, status=201, returns=AppointmentView, errors=(404,), idempotent=True,
)  # fmt: skip
async def create_appointment(request: web.Request) -> web.Response:
    body = await read_body(request, NewAppointment)
    check_schedule(request, "starts_at", body.starts_at)
    command = CreateAppointment(
        tenant=tenant_of(request),
        session=body.session_id,
        to=jid_of(request, body.to),
        title=body.title,
        starts_at=body.starts_at,
        remind_before=body.remind_before,
        template=body.template,
        fields=body.fields,
        appointment_id=keyed_id(request),
        correlation_id=request_id(request),
    )
    backends = request.app[BACKENDS]
    accepted = await backends.accept_reminder(command)
    query = GetAppointment(
        tenant=command.tenant,
        appointment_id=accepted.appointment_id or "",
        min_sequence=accepted.sequence or 0,
    )
    return json_response(await read_created(backends, query, AppointmentView), 201)


@ops(
    "GET", "/v1/appointments",
    summary="Appointments by start time with their reminders; optionally of a session or status",
    params=AppointmentParams, returns=AppointmentPage,
)  # fmt: skip
async def list_appointments(request: web.Request) -> web.Response:
    params = read_params(request, AppointmentParams)
    query = ListAppointments(
        tenant=tenant_of(request),
        session_id=params.session_id,
        status=params.status,
        cursor=params.cursor,
        limit=params.limit,
        min_sequence=await min_sequence(request, params.after_event),
    )
    page = await request.app[BACKENDS].read(query, AppointmentList)
    return json_response(AppointmentPage(items=page.items, next_cursor=page.next_cursor))


@ops(
    "GET", "/v1/appointments/{appointment_id}", summary="An appointment and its reminders",
    returns=AppointmentView,
)  # fmt: skip
async def get_appointment(request: web.Request) -> web.Response:
    appointment_id = path_id(request, "appointment_id", "appointment")
    return json_response(await _read(request, appointment_id, None))


@ops(
    "PATCH", "/v1/appointments/{appointment_id}",
    summary="Move an appointment or change its title or lead times; pending reminders follow",
    body=AppointmentChange, returns=AppointmentView, errors=(409,),
)  # fmt: skip
async def move_appointment(request: web.Request) -> web.Response:
    appointment_id = path_id(request, "appointment_id", "appointment")
    body = await read_body(request, AppointmentChange)
    check_schedule(request, "starts_at", body.starts_at)
    command = MoveAppointment(
        tenant=tenant_of(request),
        appointment_id=appointment_id,
        starts_at=body.starts_at,
        remind_before=body.remind_before,
        title=body.title,
        correlation_id=request_id(request),
    )
    accepted = await request.app[BACKENDS].accept_reminder(command)
    return json_response(await _read(request, appointment_id, accepted))


@ops(
    "DELETE", "/v1/appointments/{appointment_id}",
    summary="Cancel an appointment and its pending reminders",
    returns=AppointmentView, errors=(409,),
)  # fmt: skip
async def cancel_appointment(request: web.Request) -> web.Response:
    appointment_id = path_id(request, "appointment_id", "appointment")
    command = CancelAppointment(
        tenant=tenant_of(request), appointment_id=appointment_id, correlation_id=request_id(request)
    )
    accepted = await request.app[BACKENDS].accept_reminder(command)
    return json_response(await _read(request, appointment_id, accepted))
