"""Session endpoints: create, list, read, delete."""

from aiohttp import web

from contracts.commands import CreateSession, DeleteSession
from contracts.ids import new_id
from contracts.queries import (
    MAX_PAGE_SIZE,
    GetSession,
    ListSessions,
    PageSize,
    SessionList,
    SessionView,
)
from services.gateway.bodies.requests import Cursor, NewSession, Params, read_body, read_params
from services.gateway.bodies.responses import SessionPage, json_body, json_response
from services.gateway.http.auth import tenant_of
from services.gateway.http.idempotency import keyed_id
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session, path_session
from services.gateway.service_layer.created import accept_session, read_created

ops = Operations("sessions")


@ops(
    "POST", "/v1/sessions", summary="Create a session (a WhatsApp number to pair)",
    body=NewSession, status=201, returns=SessionView, idempotent=True,
)  # fmt: skip
async def create_session(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    body = await read_body(request, NewSession)
    backends = request.app[BACKENDS]
    keyed = keyed_id(request)
    command = CreateSession(
        tenant=tenant, session=keyed or new_id(), name=body.name,
        typing_before_send=body.typing_before_send, correlation_id=request_id(request),
    )  # fmt: skip
    accepted = await accept_session(backends, command, keyed=keyed is not None)
    query = GetSession(
        tenant=tenant, session=accepted.session or "", min_sequence=accepted.sequence or 0
    )
    return json_response(await read_created(backends, query, SessionView), status=201)


class SessionParams(Params, frozen=True, kw_only=True):
    limit: PageSize = MAX_PAGE_SIZE  # 200: one page holds the default quota of sessions
    cursor: Cursor | None = None  # the next_cursor of the previous page


@ops(
    "GET", "/v1/sessions", summary="List the tenant's sessions, by id",
    params=SessionParams, returns=SessionPage,
)  # fmt: skip
async def list_sessions(request: web.Request) -> web.Response:
    params = read_params(request, SessionParams)
    query = ListSessions(tenant=tenant_of(request), cursor=params.cursor, limit=params.limit)
    return json_body(await request.app[BACKENDS].read_json(query, SessionList, untagged=True))


@ops("GET", "/v1/sessions/{session_id}", summary="Read a session", returns=SessionView)
async def get_session(request: web.Request) -> web.Response:
    tenant, session = path_session(request)
    query = GetSession(tenant=tenant, session=session)
    return json_body(await request.app[BACKENDS].read_json(query, SessionView, untagged=False))


@ops(
    "DELETE", "/v1/sessions/{session_id}",
    summary="Delete a session: logs it out of WhatsApp and forgets its device", status=204,
)  # fmt: skip
async def delete_session(request: web.Request) -> web.Response:
    session = await owned_session(request)
    backends = request.app[BACKENDS]
    accepted = await backends.accept(
        DeleteSession(tenant=session.tenant, session=session.id, correlation_id=request_id(request))
    )
    await backends.caught_up(session.tenant, session.id, accepted.sequence)
    return web.Response(status=204)
