"""Writing one open event stream: batches as SSE frames, heartbeats while quiet, until the
stream is ended from outside (``stream_guard``: client gone, key revoked, shutdown). The wait
for the next batch is abandoned the moment the stream ends, so nothing lingers after."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from runtime.consumer import Delivered
from services.gateway.adapters.event_tail import EventTail
from services.gateway.domain.open_streams import EndReason, LiveStream

__all__ = ["write_events"]

MIN_WAIT_S = 0.05  # the shortest wait of one fetch
MAX_WAIT_S = 5.0  # the longest: a pull lost with a NATS restart is renewed by then
FAREWELL: dict[EndReason, bytes] = {
    "key_revoked": b": key revoked\n\n",
    "key_unverified": b": key not verified, reconnect\n\n",
    "shutdown": b": shutting down, reconnect\n\n",
}
HEADERS = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
}


async def write_events(
    request: web.Request,
    tail: EventTail,
    live: LiveStream,
    heartbeat: float,
    key_check: Callable[[], Awaitable[EndReason | None]],
) -> web.StreamResponse:
    response = web.StreamResponse(headers=HEADERS)
    ended = asyncio.create_task(live.ended.wait())
    try:
        await response.prepare(request)
        # The position it starts after, as an id without data: a client whose stream drops
        # before any event resumes from here (EventSource keeps the id; no event is fired).
        await response.write(b": connected\nretry: 2000\nid: %d\n\n" % tail.position)
        quiet_since = time.monotonic()
        while not live.ended.is_set():
            due = heartbeat - (time.monotonic() - quiet_since)
            wait = min(MAX_WAIT_S, max(MIN_WAIT_S, due))
            batch = await _next_unless_ended(tail, wait, ended)
            if live.ended.is_set():
                break  # what came with the end is not sent
            if batch:
                # Each batch is authenticated again, as a request would be: an event logged
                # after a rotation is never sent with the old key, whatever the watch's delay.
                reason = await key_check()
                if reason is not None:
                    live.end(reason)
                    break
                await response.write(b"".join(_frame(d) for d in batch))
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= heartbeat:
                await response.write(b": heartbeat\n\n")
                quiet_since = time.monotonic()
        if live.reason in FAREWELL:
            await response.write(FAREWELL[live.reason])
    except (ConnectionResetError, ConnectionError):
        pass  # the client went away
    finally:
        ended.cancel()
    return response


async def _next_unless_ended(
    tail: EventTail, timeout: float, ended: "asyncio.Task[bool]"
) -> list[Delivered]:
    """The tail's next batch, or [] as soon as the stream ends (the fetch is abandoned)."""
    fetch = asyncio.create_task(tail.next(timeout=timeout))
    try:
        await asyncio.wait((fetch, ended), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not fetch.done():
            fetch.cancel()
    return fetch.result() if fetch.done() and not fetch.cancelled() else []


def _frame(delivered: Delivered) -> bytes:
    """The event's bytes as logged, tenant-filtered already by the tail's subjects."""
    head = f"id: {delivered.sequence}\nevent: {delivered.event.type}\ndata: ".encode()
    return head + delivered.encoded() + b"\n\n"
