"""Session endpoints: create and read."""

import msgspec
from aiohttp import web

from contracts.commands import Accepted, CreateSession
from contracts.ids import is_valid_id, new_id
from contracts.queries import GetSession, ListSessions, SessionList, SessionView
from services.gateway.auth import require_tenant
from services.gateway.bodies import NewSession, read_body
from services.gateway.errors import ApiError
from services.gateway.keys import BACKENDS, TENANTS

routes = web.RouteTableDef()


def _json(value: object, status: int = 200) -> web.Response:
    return web.Response(
        body=msgspec.json.encode(value), status=status, content_type="application/json"
    )


def _session_id(request: web.Request) -> str:
    session = request.match_info["session_id"]
    if not is_valid_id(session):
        raise ApiError(404, "not_found", "no such session")
    return session


@routes.post("/v1/sessions")
async def create_session(request: web.Request) -> web.Response:
    tenant = await require_tenant(request, request.app[TENANTS])
    body = await read_body(request, NewSession)
    backends = request.app[BACKENDS]
    reply = await backends.command(CreateSession(tenant=tenant, session=new_id(), name=body.name))
    if not isinstance(reply, Accepted):
        raise ApiError.from_refusal(reply)
    view = await backends.query(
        GetSession(tenant=tenant, session=reply.session or "", min_sequence=reply.sequence or 0)
    )
    if not isinstance(view, SessionView):
        raise ApiError(503, "backend_unavailable", "the store has not caught up yet")
    return _json(view, status=201)


@routes.get("/v1/sessions")
async def list_sessions(request: web.Request) -> web.Response:
    tenant = await require_tenant(request, request.app[TENANTS])
    result = await request.app[BACKENDS].query(ListSessions(tenant=tenant))
    if not isinstance(result, SessionList):
        raise ApiError(503, "backend_unavailable", "unexpected reply from the store")
    return _json({"items": result.items})


@routes.get("/v1/sessions/{session_id}")
async def get_session(request: web.Request) -> web.Response:
    tenant = await require_tenant(request, request.app[TENANTS])
    result = await request.app[BACKENDS].query(
        GetSession(tenant=tenant, session=_session_id(request))
    )
    if not isinstance(result, SessionView):
        raise ApiError(404, "not_found", "no such session")
    return _json(result)
