"""Live events as Server-Sent Events: ``id:`` the stream sequence, ``event:`` the type,
``data:`` the envelope. ``Last-Event-ID`` resumes exactly after that event."""

import time

from aiohttp import web

from contracts.codec import encode_event
from contracts.events import EVENT_TYPES
from contracts.queries import GetSession, SessionView
from runtime.logging import get_logger
from services.gateway.adapters.event_tail import EventTail, tail_filters
from services.gateway.auth import tenant_of
from services.gateway.bodies import EventParams, read_params
from services.gateway.errors import ApiError
from services.gateway.keys import BACKENDS, CLOSING, JETSTREAM, METRICS, SETTINGS
from services.gateway.operations import Operations

log = get_logger(__name__)
ops = Operations("events")
STREAM = {"text/event-stream": {"type": "string"}}
POLL_S = 1.0  # how often a quiet stream checks that its client is still there


def _types(text: str | None) -> list[str]:
    types = sorted({part.strip() for part in (text or "").split(",") if part.strip()})
    unknown = [kind for kind in types if kind not in EVENT_TYPES]
    if unknown:
        details = {"types": ",".join(unknown)}
        raise ApiError(422, "validation_failed", "unknown event types", details)
    return types


def _last_event_id(request: web.Request) -> int | None:
    raw = request.headers.get("Last-Event-ID", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19):
        details = {"header": "Last-Event-ID"}
        raise ApiError(422, "validation_failed", "Last-Event-ID must be an event's id", details)
    return int(raw)


@ops(
    "GET", "/v1/events",
    summary="Live events of the tenant (Server-Sent Events); resume with Last-Event-ID",
    params=EventParams, media=STREAM, errors=(404,),
)  # fmt: skip
async def events(request: web.Request) -> web.StreamResponse:
    tenant = tenant_of(request)
    params = read_params(request, EventParams)
    types = _types(params.types)
    after = _last_event_id(request)
    if params.session_id:
        query = GetSession(tenant=tenant, session=params.session_id)
        await request.app[BACKENDS].read(query, SessionView)
    tail = await EventTail.open(
        request.app[JETSTREAM], tail_filters(tenant, params.session_id, types), after
    )
    gauge = request.app[METRICS].event_streams
    gauge.inc()
    log.info("events.opened", tenant=tenant, session=params.session_id, after=tail.position)
    try:
        return await _stream(request, tail)
    finally:
        gauge.dec()
        await tail.close()
        log.info("events.closed", tenant=tenant, session=params.session_id, at=tail.position)


async def _stream(request: web.Request, tail: EventTail) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    await response.write(b": connected\nretry: 2000\n\n")
    heartbeat = request.app[SETTINGS].gateway_sse_heartbeat_s
    closing = request.app[CLOSING]
    quiet_since = time.monotonic()
    try:
        while not closing.is_set() and _client_connected(request):
            batch = await tail.next(timeout=min(POLL_S, heartbeat))
            if batch:
                frames = (
                    f"id: {d.sequence}\nevent: {d.event.type}\ndata: ".encode()
                    + encode_event(d.event)
                    + b"\n\n"
                    for d in batch
                )
                await response.write(b"".join(frames))
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= heartbeat:
                await response.write(b": heartbeat\n\n")
                quiet_since = time.monotonic()
    except (ConnectionResetError, ConnectionError):
        pass  # the client went away
    return response


def _client_connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()
