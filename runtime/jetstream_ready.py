"""Retrying a JetStream set-up call (the events stream, a KV bucket, an object store) while
JetStream is not ready: a server still starting, a cluster still electing its meta leader, a
server too loaded to answer in time, a stream its owner has not made yet, a cluster whose
leader does not yet count enough servers online to place a stream's replicas.

A request sent before a cluster's election gets no answer at all, so the first probes wait
``READY_PROBE_S``, not the full request timeout, and the next follows soon; each probe after a
timeout waits twice as long, up to the request timeout, so a server that is merely slow is
still heard. Gives up after ``READY_DEADLINE_S``."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import BadRequestError, NotFoundError, ServiceUnavailableError

from runtime.logging import get_logger
from runtime.nats_private import request_timeout, with_timeout

__all__ = [
    "NOT_READY",
    "NO_PEERS_FOR_PLACEMENT",
    "READY_DEADLINE_S",
    "READY_PROBE_S",
    "not_ready",
    "when_ready",
]

log = get_logger(__name__)

READY_PROBE_S = 1.0  # the timeout of the first readiness probes (not of the wait)
READY_DEADLINE_S = 60.0
NOT_READY = (NatsTimeout, ServiceUnavailableError, NoRespondersError, NotFoundError)
NO_PEERS_FOR_PLACEMENT = 10005  # JetStream's "no suitable peers for placement": peers offline
_FIRST_PAUSE_S, _LONGEST_PAUSE_S = 0.05, 0.5
T = TypeVar("T")


async def when_ready(
    js: JetStreamContext,
    attempt: Callable[[JetStreamContext], Awaitable[T]],
    *,
    waiting_for: str,
) -> T:
    """``attempt(probe)`` until it returns, retried while it fails for want of JetStream.
    ``probe`` is ``js`` with a shorter timeout: what the attempt returns must not keep it
    (rebind it to ``js``). The attempt is repeated after a timeout, so it must be idempotent."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + READY_DEADLINE_S
    longest = request_timeout(js)
    timeout = min(longest, READY_PROBE_S)
    pause = _FIRST_PAUSE_S
    while True:
        try:
            return await attempt(with_timeout(js, timeout))
        except (*NOT_READY, BadRequestError) as exc:
            if not not_ready(exc) or loop.time() > give_up:
                raise
            log.info(
                "bus.jetstream_not_ready",
                waiting_for=waiting_for,
                error=repr(exc),
                probe_s=timeout,
                retry_in=pause,
            )
            if isinstance(exc, NatsTimeout):  # no answer in time: maybe only a slow one
                timeout = min(timeout * 2, longest)
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)


def not_ready(exc: Exception) -> bool:
    """The error says JetStream is not ready yet (worth another try), not that the request
    is wrong. A cluster just started may not yet count every server as online: a stream
    wanting three replicas is then refused with a 400, until it does."""
    if isinstance(exc, BadRequestError):
        return exc.err_code == NO_PEERS_FOR_PLACEMENT
    return isinstance(exc, NOT_READY)
