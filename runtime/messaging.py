"""The ports of the event log and of request/reply, free of nats: what a service layer may
depend on. JetStream and core NATS implement them (runtime/nats_messaging.py), and so does
memory (runtime/memory/), for tests of a service layer without a server.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from msgspec import Struct

from contracts.envelope import Envelope

__all__ = [
    "BackendUnavailable",
    "Delivered",
    "EventFeed",
    "EventHandler",
    "EventLog",
    "PreparingHandler",
    "RequestHandler",
    "Requests",
    "Responders",
    "Serving",
]


class Delivered(Struct, frozen=True):
    sequence: int
    event: Envelope


class EventHandler(Protocol):
    """A projection or reactor that records its position with its effect."""

    async def position(self) -> int:
        """The last stream sequence this handler has applied (0 for none)."""
        ...

    async def apply(self, batch: Sequence[Delivered]) -> None:
        """Apply the batch and record its last sequence, atomically."""
        ...


@runtime_checkable
class PreparingHandler(EventHandler, Protocol):
    """A handler with work to do on a batch before applying it that does not depend on the
    batches before it (computing rows, encoding): done while the previous batch is applied.

    It may also have ``in_flight`` (an int, default 1): how many batches it takes at once.
    More than one only if each ``apply`` ends after those that began before it, and a batch
    whose predecessor failed fails too (never applied over the gap).
    """

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        """The same events, maybe carrying work done ahead; handed to ``apply`` next."""
        ...


class EventLog(Protocol):
    """Appending to the event log. An event carries its id as the message id: appending it
    again within the de-duplication window appends nothing and answers the first sequence."""

    async def publish(self, envelope: Envelope) -> int:
        """Append one event; its stream sequence (the original one for a duplicate)."""
        ...

    async def publish_encoded(self, subject: str, data: bytes, *, msg_id: str) -> int:
        """Append an event already encoded (an outbox's bytes, published as they are)."""
        ...


class EventFeed(Protocol):
    """Durable, ordered consumption of the log. The handler owns its position: each run
    starts right after it, so an event applied is never applied again and one not applied
    (a failed batch, a crash before the acknowledgement) comes again."""

    async def run(
        self,
        handler: EventHandler,
        *,
        durable: str,
        filters: Sequence[str],
        stop: asyncio.Event,
        batch_size: int = 500,
    ) -> None:
        """Feed ``handler`` every matching event in order until ``stop`` is set; the
        handler's errors propagate."""
        ...


class BackendUnavailable(RuntimeError):
    """No service answered in time."""


RequestHandler = Callable[[bytes], Awaitable[bytes]]


class Requests(Protocol):
    """Asking a service: no responder, or no answer within ``timeout``, is
    ``BackendUnavailable``."""

    async def request(self, subject: str, data: bytes, *, timeout: float) -> bytes: ...


class Serving(Protocol):
    """A subscription answering requests; ``unsubscribe`` ends it."""

    async def unsubscribe(self) -> None: ...


class Responders(Protocol):
    """Answering requests on a subject (wildcards allowed); within a ``queue`` group each
    request goes to one member. A handler that fails sends no answer."""

    async def serve(self, subject: str, handler: RequestHandler, *, queue: str) -> Serving: ...
