"""Whether a consumer has caught up: with the log (JetStream: nothing pending, nothing
unacknowledged, so its handler has applied every matching event published so far)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.subjects import EVENTS_STREAM

__all__ = ["POLL_S", "Drained", "drained_on_jetstream", "wait_caught_up"]

POLL_S = 0.02
Drained = Callable[[], Awaitable[bool]]


def drained_on_jetstream(js: JetStreamContext, durable: str) -> Drained:
    """Asks JetStream about ``durable`` (not created yet: not drained)."""

    async def drained() -> bool:
        try:
            info = await js.consumer_info(EVENTS_STREAM, durable)
        except NotFoundError:
            return False
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)

    return drained


async def wait_caught_up(
    drained: Drained,
    *,
    timeout: float | None = None,
    consuming: "asyncio.Future[Any] | None" = None,
    poll_s: float = POLL_S,
) -> bool:
    """True once ``drained``; False after ``timeout`` seconds (None: no limit). ``consuming``:
    the consumer's task; if it ends first, its error is raised (or False if it stopped)."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    while consuming is None or not consuming.done():
        if await drained():
            return True
        if deadline is not None and loop.time() >= deadline:
            return False
        await asyncio.sleep(poll_s)
    consuming.result()
    return False
