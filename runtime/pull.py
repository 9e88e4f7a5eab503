"""Pulling a durable consumer's deliveries in batches, as raw (sequence, bytes, ack subject).

The consumer's hot path: two pull requests kept open on the consumer's API subject, the
deliveries taken off the puller's inbox. ``Puller`` takes them through nats-py's public
subscription (a ``Msg`` each); ``TappedPuller`` (runtime/nats_tap.py) takes them where
nats-py's parser hands them over, as they are.
"""

import asyncio
import json
from collections import deque

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from contracts.subjects import EVENTS_STREAM

__all__ = ["Delivery", "PullInterrupted", "Puller"]

Delivery = tuple[int, bytes, bytes]
"""A delivered message: its stream sequence, its payload, its ack subject."""

Status = tuple[str, str]
"""A status message's code and description (``408``, ``Request Timeout``)."""


class PullInterrupted(Exception):
    """The server ended a pull request: the consumer was deleted or changed leader."""


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

    def __init__(self, nc: Client, durable: str, batch_size: int, first: int) -> None:
        self._nc = nc
        self.next_delivery = first  # the consumer sequence the next message must carry
        self._durable = durable
        self._subject = f"$JS.API.CONSUMER.MSG.NEXT.{EVENTS_STREAM}.{durable}"
        self._batch = batch_size
        self._request = json.dumps({"batch": batch_size, "expires": 500_000_000}).encode()
        self._inbox = nc.new_inbox()
        self._buffer: list[Delivery] = []
        self._open: deque[int] = deque()  # what each open request may still deliver, oldest first
        self._done = asyncio.Event()
        self._sub: Subscription | None = None
        self._interrupted: str | None = None
        self.lost_requests = 0  # times no word came within the guard (requests taken as lost)

    def _take(self, reply: bytes, data: bytes, status: Status | None) -> None:
        if status is not None:
            code, description = status
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

    async def _on_msg(self, msg: Msg) -> None:
        headers = msg.headers
        status = headers.get("Status") if headers and not msg.data else None
        if status:
            self._take(b"", b"", (status, headers.get("Description", "") if headers else ""))
        else:
            self._take(msg.reply.encode(), msg.data, None)

    async def _subscribe(self) -> Subscription:
        return await self._nc.subscribe(self._inbox, cb=self._on_msg)

    async def start(self) -> None:
        self._sub = await self._subscribe()
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

    async def ack(self, reply: bytes) -> None:
        """Acknowledge a delivery (with AckPolicy.ALL: it and everything before it)."""
        await self._nc.publish(reply.decode())

    async def close(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()
