"""Pulling a durable consumer's deliveries in batches, as raw (sequence, bytes, ack subject).

The consumer's hot path. nats-py hands every message to a subscription as a ``Msg`` built
after parsing its headers, queues it and calls back through a task: half of the cost of
reading a stream, spent on things a projection never looks at. The puller's inbox is
therefore tapped where nats-py's parser hands a message over (``Client._process_msg``):
its messages are taken there as they are, every other subscription of the connection goes
on as before. Headers are read only for status messages (no payload).
"""

import asyncio
import inspect
import json
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from nats.aio.client import Client
from nats.js import JetStreamContext

from contracts.subjects import EVENTS_STREAM

__all__ = ["Delivery", "PullInterrupted", "Puller", "ack"]

Delivery = tuple[int, bytes, bytes]
"""A delivered message: its stream sequence, its payload, its ack subject."""

_Tap = Callable[[bytes, bytes, bytes | None], None]
_HOOK_PARAMETERS = ["sid", "subject", "reply", "data", "headers"]


class PullInterrupted(Exception):
    """The server ended a pull request: the consumer was deleted or changed leader."""


def _tap(nc: Client, sid: int, tap: _Tap | None) -> None:
    """Take the messages of subscription ``sid`` straight from nats-py's parser (None: stop)."""
    taps: dict[int, _Tap] | None = getattr(nc, "_wa_taps", None)
    if taps is None:
        original: Callable[..., Awaitable[None]] = nc._process_msg
        if list(inspect.signature(original).parameters) != _HOOK_PARAMETERS:
            raise RuntimeError(
                "nats-py's Client._process_msg changed its parameters; runtime/pull.py "
                "must follow the pinned nats-py"
            )
        taps = {}
        stats = nc.stats

        async def process_msg(
            sid: int, subject: bytes, reply: bytes, data: bytes, headers: bytes | None
        ) -> None:
            tapped = taps.get(sid)
            if tapped is None:
                await original(sid, subject, reply, data, headers)
                return
            stats["in_msgs"] += 1
            stats["in_bytes"] += len(data)
            tapped(reply, data, headers)

        nc._process_msg = process_msg  # type: ignore[method-assign]
        nc._wa_taps = taps  # type: ignore[attr-defined]
    if tap is None:
        taps.pop(sid, None)
    else:
        taps[sid] = tap


def _status(headers: bytes) -> tuple[str, str]:
    """The code and description of a status message (``NATS/1.0 408 Request Timeout``)."""
    line = headers.split(b"\r\n", 1)[0].decode(errors="replace")
    _, _, rest = line.partition(" ")
    code, _, description = rest.strip().partition(" ")
    return code, description


def _sequences(reply: bytes) -> tuple[int, int, int]:
    """Stream sequence, consumer sequence and pending count from a JetStream ack subject:
    ``$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>``, or the longer
    form with a domain and an account hash after ``$JS.ACK``."""
    tokens = reply.split(b".")
    if len(tokens) == 9:
        return int(tokens[5]), int(tokens[6]), int(tokens[8])
    if len(tokens) >= 11 and tokens[0] == b"$JS" and tokens[1] == b"ACK":
        return int(tokens[7]), int(tokens[8]), int(tokens[10])
    raise ValueError(f"not a JetStream delivery: {reply!r}")


async def ack(js: JetStreamContext, reply: bytes) -> None:
    """Acknowledge a delivery (with AckPolicy.ALL: it and everything before it)."""
    await js._nc.publish(reply.decode())


class Puller:
    """Pull batches straight from the consumer's API subject, two requests open at a time.

    While the handler works on one batch the server is already delivering the next: a
    request is made the moment one ends, and the server serves open requests in order,
    each up to ``batch_size`` messages, so the stream arrives in order. A request that has
    delivered all there was stays open (500 ms) and collects what comes next. No
    per-message timers (nats-py's ``fetch`` costs a third of the raw read rate).
    Deliveries must carry consecutive consumer sequences: a gap means some were lost in
    transit (a cluster's election), and the pull is interrupted so that binding again
    delivers them at once instead of after ``ack_wait``.
    """

    OPEN_REQUESTS = 2  # with one, the server idled while the handler worked (half the time)

    def __init__(self, js: JetStreamContext, durable: str, batch_size: int, first: int) -> None:
        self._nc = js._nc
        self.next_delivery = first  # the consumer sequence the next message must carry
        self._subject = f"$JS.API.CONSUMER.MSG.NEXT.{EVENTS_STREAM}.{durable}"
        self._batch = batch_size
        self._request = json.dumps({"batch": batch_size, "expires": 500_000_000}).encode()
        self._inbox = self._nc.new_inbox()
        self._buffer: list[Delivery] = []
        self._open: deque[int] = deque()  # what each open request may still deliver, oldest first
        self._done = asyncio.Event()
        self._sub: Any = None
        self._interrupted: str | None = None
        self.lost_requests = 0  # times no word came within the guard (requests taken as lost)

    def _on_message(self, reply: bytes, data: bytes, headers: bytes | None) -> None:
        if headers and not data:
            code, description = _status(headers)
            if code:
                if code == "409":  # consumer deleted, leadership change: bind again
                    self._interrupted = description or code
                if self._open:  # 404/408/409: the oldest request ended with what it had
                    self._open.popleft()
                self._done.set()
                return
        if self._interrupted is not None:
            return  # after a gap nothing more is taken: binding again delivers it all anew
        sequence, delivery, pending = _sequences(reply)
        if delivery != self.next_delivery:
            self._interrupted = f"deliveries {self.next_delivery}..{delivery - 1} lost in transit"
            self._done.set()
            return
        self.next_delivery = delivery + 1
        self._buffer.append((sequence, data, reply))
        if self._open:
            self._open[0] -= 1
            if self._open[0] == 0:  # a full batch
                self._open.popleft()
                self._done.set()
        if pending == 0:
            self._done.set()  # all there is for now: no waiting for the expiry

    async def start(self) -> None:
        self._sub = await self._nc.subscribe(self._inbox)
        _tap(self._nc, self._sub._id, self._on_message)
        await self._ask()

    async def _ask(self) -> None:
        """Open requests until ``OPEN_REQUESTS`` are."""
        while len(self._open) < self.OPEN_REQUESTS:
            self._open.append(self._batch)
            await self._nc.publish(self._subject, self._request, reply=self._inbox)

    async def next_batch(self) -> list[Delivery]:
        """What has arrived (maybe nothing, at most two batches); asks again for what ended."""
        try:
            await asyncio.wait_for(self._done.wait(), timeout=5.0)
        except TimeoutError:  # no word at all, not even an expiry: the requests were lost
            self.lost_requests += 1
            self._open.clear()
        deliveries, self._buffer = self._buffer, []
        self._done.clear()
        if self._interrupted is not None and not deliveries:
            raise PullInterrupted(self._interrupted)
        await self._ask()
        return deliveries

    async def close(self) -> None:
        if self._sub is not None:
            _tap(self._nc, self._sub._id, None)
            await self._sub.unsubscribe()
