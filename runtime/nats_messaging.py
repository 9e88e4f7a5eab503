"""The messaging ports on NATS: the feed is ``run_consumer`` on JetStream, requests go through
one ``Requester`` per connection, responders are ``rpc.serve``. (``EventPublisher`` is the
``EventLog``.)"""

import asyncio
from collections.abc import Sequence

from nats.aio.client import Client
from nats.js import JetStreamContext

from runtime.consumer import run_consumer
from runtime.messaging import EventHandler, RequestHandler, Serving
from runtime.requester import Requester
from runtime.rpc import serve

__all__ = ["NatsEventFeed", "NatsRequests"]


class NatsEventFeed:
    """``EventFeed`` on the JetStream events stream."""

    def __init__(self, js: JetStreamContext) -> None:
        self._js = js

    async def run(
        self,
        handler: EventHandler,
        *,
        durable: str,
        filters: Sequence[str],
        stop: asyncio.Event,
        batch_size: int = 500,
    ) -> None:
        await run_consumer(
            self._js, handler, durable=durable, filters=filters, stop=stop, batch_size=batch_size
        )


class NatsRequests:
    """``Requests`` and ``Responders`` on one NATS connection."""

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self._requester = Requester(nc)

    async def request(self, subject: str, data: bytes, *, timeout: float) -> bytes:
        return await self._requester.request(subject, data, timeout=timeout)

    async def serve(self, subject: str, handler: RequestHandler, *, queue: str) -> Serving:
        subscription: Serving = await serve(self._nc, subject, handler, queue=queue)
        return subscription
