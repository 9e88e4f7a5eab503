"""The platform figures from the services: the store's stats query, the log's stream info,
the webhooks service's delivery counts."""

import asyncio

from nats.errors import ConnectionClosedError
from nats.js import JetStreamContext

from contracts.queries import GetStats, Stats
from contracts.webhooks import DeliveryCounts, GetDeliveryCounts
from runtime.rpc import BackendUnavailable
from services.gateway.adapters.backends import Backends
from services.gateway.adapters.log_position import last_sequence
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.figures import Figures, FiguresSource

__all__ = ["ServiceFigures"]


class ServiceFigures(FiguresSource):
    def __init__(self, backends: Backends, js: JetStreamContext) -> None:
        self._backends = backends
        self._js = js

    async def read(self) -> Figures:
        """The three are asked at once: a scrape waits for the slowest, not for their sum."""
        stats, last_sequence, deliveries = await asyncio.gather(
            self._stats(), self._last_sequence(), self._deliveries()
        )
        return Figures(stats=stats, last_sequence=last_sequence, deliveries=deliveries)

    async def _stats(self) -> Stats | None:
        try:
            return await self._backends.read(GetStats(), Stats)
        except (BackendUnavailable, ApiError):
            return None

    async def _last_sequence(self) -> int | None:
        try:
            return await last_sequence(self._js)
        except BackendUnavailable:
            return None

    async def _deliveries(self) -> dict[str, int] | None:
        try:
            counts = await self._backends.webhook(GetDeliveryCounts(), DeliveryCounts)
        except (BackendUnavailable, ApiError, ConnectionClosedError):
            return None
        return counts.by_status
