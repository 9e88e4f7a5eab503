"""What the gateway checks before a webhook request goes on: a session filter must name one of
the caller's live sessions (asked of the store, as for any session in a path), else 404."""

from aiohttp import web

from contracts.ids import is_valid_id
from contracts.queries import GetSession, SessionView
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BACKENDS

__all__ = ["require_own_session"]


async def require_own_session(request: web.Request, tenant: str, session: str | None) -> None:
    """Another tenant's session, a deleted one or none at all: 404 ``not_found``. A malformed
    id is left to the webhooks service, which refuses it as invalid (422)."""
    if session is None or not is_valid_id(session):
        return
    missing = ApiError(404, "not_found", "no such session", {"field": "session_id"})
    try:
        found = await request.app[BACKENDS].read(
            GetSession(tenant=tenant, session=session), SessionView
        )
    except ApiError as exc:
        raise missing if exc.status == 404 else exc from None
    if found.status == "deleted":
        raise missing
