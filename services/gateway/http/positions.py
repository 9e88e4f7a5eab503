"""``after_event``: a list read that includes what an event from /v1/events changed.

The store waits (up to two seconds) to have applied the event, else 503 ``not_caught_up``.
An id the log has not reached is the caller's mistake, not a lagging store: 422
``unknown_event`` at once, checked against the log's last sequence (one JetStream request,
made only for reads that name an event; 503 when JetStream cannot say).
"""

from aiohttp import web

from services.gateway.adapters.log_position import last_sequence
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import JETSTREAM

__all__ = ["min_sequence"]


async def min_sequence(request: web.Request, after_event: int | None) -> int:
    """The ``min_sequence`` of the read; ApiError 422 for an event the log does not hold."""
    if not after_event:
        return 0
    if after_event > await last_sequence(request.app[JETSTREAM]):
        raise ApiError(
            422, "unknown_event", "no event has that id yet", {"after_event": after_event}
        )
    return after_event
