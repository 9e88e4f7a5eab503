"""Ids taken from request paths: a malformed id is simply not found (never a 500)."""

from aiohttp import web

from contracts.ids import is_valid_id
from contracts.queries import GetSession, SessionView
from services.gateway.http.auth import tenant_of
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BACKENDS

__all__ = ["owned_session", "path_id", "path_session"]


def path_id(request: web.Request, name: str, what: str) -> str:
    value = request.match_info[name]
    if not is_valid_id(value):
        raise ApiError(404, "not_found", f"no such {what}")
    return value


async def owned_session(request: web.Request) -> SessionView:
    """The caller's session named in the path; another tenant's is 404, like a missing one."""
    session = path_id(request, "session_id", "session")
    query = GetSession(tenant=tenant_of(request), session=session)
    return await request.app[BACKENDS].read(query, SessionView)


def path_session(request: web.Request) -> tuple[str, str]:
    """(tenant, session) of a read whose query checks the ownership itself."""
    return tenant_of(request), path_id(request, "session_id", "session")
