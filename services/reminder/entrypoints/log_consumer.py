"""The durable consumer feeding the log reactor (runtime.caught_up tells when it has caught up)."""

import asyncio

from nats.js import JetStreamContext

from contracts.subjects import event_filter
from runtime.consumer import run_consumer
from services.reminder.service_layer.log_reactor import LogReactor

__all__ = ["FILTERS", "consume_log"]

FILTERS = [
    event_filter(event_type="session.>"),
    event_filter(event_type="message.sent"),
    event_filter(event_type="message.send_failed"),
    event_filter(event_type="message.status"),
    event_filter(event_type="reminder.scheduled"),  # from another instance: look again
    event_filter(event_type="reminder.rescheduled"),
]


async def consume_log(js: JetStreamContext, reactor: LogReactor, stop: asyncio.Event) -> None:
    await run_consumer(js, reactor, durable=reactor.name, filters=FILTERS, stop=stop)
