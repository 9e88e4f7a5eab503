"""The platform figures from the services: the store's stats query, the log's stream info,
the webhooks service's delivery counts."""

import msgspec
from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import APIError

from contracts.queries import GetStats, Stats
from contracts.subjects import EVENTS_STREAM, webhooks_subject
from contracts.webhooks import DeliveryCounts, GetDeliveryCounts, WebhookReply
from runtime.rpc import BackendUnavailable
from runtime.rpc import request as rpc_request
from services.gateway.backends import Backends
from services.gateway.errors import ApiError
from services.gateway.figures import Figures, FiguresSource

__all__ = ["ServiceFigures"]

_ASK_COUNTS = msgspec.json.encode(GetDeliveryCounts())
_reply: msgspec.json.Decoder[WebhookReply] = msgspec.json.Decoder(WebhookReply)


class ServiceFigures(FiguresSource):
    def __init__(self, backends: Backends, js: JetStreamContext) -> None:
        self._backends = backends
        self._js = js

    async def read(self) -> Figures:
        stats: Stats | None
        try:
            stats = await self._backends.read(GetStats(), Stats)
        except (BackendUnavailable, ApiError):
            stats = None
        try:
            last_sequence: int | None = (await self._js.stream_info(EVENTS_STREAM)).state.last_seq
        except (NatsTimeout, NoRespondersError, ConnectionClosedError, APIError):
            last_sequence = None
        return Figures(
            stats=stats, last_sequence=last_sequence, deliveries=await self._deliveries()
        )

    async def _deliveries(self) -> dict[str, int] | None:
        try:
            data = await rpc_request(
                self._backends.nc, webhooks_subject(), _ASK_COUNTS, timeout=self._backends.timeout
            )
            reply = _reply.decode(data)
        except (BackendUnavailable, ConnectionClosedError, msgspec.ValidationError):
            return None
        return reply.by_status if isinstance(reply, DeliveryCounts) else None
