"""What the leading replica does for as long as it leads (``lead_when_elected``'s work):
feed the fan-out from the event log, dispatch the queue, prune the delivery log."""

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from contracts.subjects import event_filter
from runtime.logging import get_logger
from runtime.messaging import EventFeed, EventHandler
from services.webhooks.service_layer.dispatcher import Dispatcher
from services.webhooks.service_layer.fanout import CONSUMER
from services.webhooks.service_layer.ports import Deliveries
from services.webhooks.service_layer.retention import prune_delivered

__all__ = ["RESTART_DELAY_S", "Delivering", "consume"]

log = get_logger(__name__)

RESTART_DELAY_S = 0.5


async def consume(feed: EventFeed, fanout: EventHandler, stop: asyncio.Event) -> None:
    """Consume until stopped; should the fan-out fail (its database), start again from its
    recorded position after a pause, so nothing is lost or queued twice."""
    while not stop.is_set():
        try:
            await feed.run(fanout, durable=CONSUMER, filters=[event_filter()], stop=stop)
        except Exception:
            log.exception("webhooks.consumer_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RESTART_DELAY_S)


@dataclass(frozen=True)
class Delivering:
    """``await delivering(term)``: the work of one term of leadership, until ``term`` is set."""

    feed: EventFeed
    fanout: EventHandler
    dispatcher: Dispatcher
    deliveries: Deliveries[Any]
    retention_s: float

    async def __call__(self, term: asyncio.Event) -> None:
        dispatching = asyncio.create_task(self.dispatcher.run(term))
        pruning = asyncio.create_task(prune_delivered(self.deliveries, self.retention_s, term))
        try:
            await consume(self.feed, self.fanout, term)
        finally:
            term.set()
            await asyncio.gather(dispatching, pruning)
