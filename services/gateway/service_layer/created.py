"""Creating with an id that a retry reuses (``idempotency.keyed_id``): the service behind
answers a repeat without doing it again, and the answer is read back from the store."""

from typing import TypeVar

from contracts.commands import Accepted, CreateSession, Refused
from contracts.queries import Query
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.ports import SessionCommands, StoreReads

__all__ = ["accept_session", "read_created"]

V = TypeVar("V")


async def accept_session(sessions: SessionCommands, cmd: CreateSession, *, keyed: bool) -> Accepted:
    """Create the session; with a keyed id, ``already_exists`` is an earlier run's work."""
    reply = await sessions.command(cmd)
    if keyed and isinstance(reply, Refused) and reply.code == "already_exists":
        return Accepted(session=cmd.session)
    if isinstance(reply, Refused):
        raise ApiError.from_refusal(reply)
    if not isinstance(reply, Accepted):
        raise ApiError(503, "unavailable", f"the session service answered {type(reply).__name__}")
    return reply


async def read_created(store: StoreReads, query: Query, kind: type[V]) -> V:
    """Read what a command just made. A repeated command brings no stream position to wait
    for, so the store may not have it yet: a 503 to retry, never a 404 to keep."""
    try:
        return await store.read(query, kind)
    except ApiError as exc:
        if exc.code != "not_found":
            raise
        message = "made, but the store does not show it yet; retry with the same Idempotency-Key"
        raise ApiError(503, "not_caught_up", message) from exc
