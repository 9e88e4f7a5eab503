"""Live events as Server-Sent Events: ``id:`` the stream sequence, ``event:`` the type,
``data:`` the envelope. ``Last-Event-ID`` resumes exactly after that event. The stream opens
with an ``id:`` alone, the position it starts after, so a drop before the first event loses
nothing either. A stream ends when its client goes, when its key is rotated or revoked (on
any gateway), and on shutdown."""

from aiohttp import web

from contracts.events import EVENT_TYPES
from contracts.queries import GetSession, SessionView
from runtime.logging import get_logger
from runtime.rpc import BackendUnavailable
from services.gateway.adapters.event_tail import EventTail, tail_filters
from services.gateway.adapters.tenants import hash_key
from services.gateway.bodies.requests import EventParams, read_params
from services.gateway.domain.open_streams import EndReason
from services.gateway.http.auth import bearer, tenant_of
from services.gateway.http.errors import ApiError
from services.gateway.http.event_stream import write_events
from services.gateway.http.keys import BACKENDS, JETSTREAM, METRICS, SETTINGS, STREAMS, TENANTS
from services.gateway.http.operations import Operations

log = get_logger(__name__)
ops = Operations("events")
STREAM = {"text/event-stream": {"type": "string"}}


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
    key = bearer(request)
    with request.app[STREAMS].opened(hash_key(key), lambda: _client_gone(request)) as live:
        # Registered first: a rotation from now on ends it; one before is seen by this read.
        if await request.app[TENANTS].tenant_of_key(key) != tenant:
            raise ApiError(401, "unauthorized", "unknown API key")
        tail = await EventTail.open(
            request.app[JETSTREAM], tail_filters(tenant, params.session_id, types), after
        )
        gauge = request.app[METRICS].event_streams
        gauge.inc()
        log.info("events.opened", tenant=tenant, session=params.session_id, after=tail.position)
        try:
            heartbeat = request.app[SETTINGS].gateway_sse_heartbeat_s
            return await write_events(
                request, tail, live, heartbeat, lambda: _key_check(request, key, tenant)
            )
        finally:
            gauge.dec()
            await tail.close()
            log.info(
                "events.closed", tenant=tenant, session=params.session_id, at=tail.position,
                reason=live.reason,
            )  # fmt: skip


async def _key_check(request: web.Request, key: str, tenant: str) -> EndReason | None:
    """None while the key still opens this tenant's stream, else why the stream must end."""
    try:
        found = await request.app[TENANTS].tenant_of_key(key)
    except BackendUnavailable:
        return "key_unverified"  # cannot tell: fail closed, the client reconnects
    return None if found == tenant else "key_revoked"


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()
