"""The durable consumer feeding the log reactor, and knowing when it has caught up."""

import asyncio

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.consumer import run_consumer
from services.reminder.service_layer.log_reactor import LogReactor

__all__ = ["FILTERS", "caught_up", "consume_log"]

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


async def caught_up(js: JetStreamContext, durable: str, timeout: float = 5.0) -> bool:
    """Wait until the consumer has nothing pending (applied and acknowledged)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            info = await js.consumer_info(EVENTS_STREAM, durable)
            if info.num_pending == 0 and info.num_ack_pending == 0:
                return True
        except NotFoundError:
            pass
        await asyncio.sleep(0.02)
    return False
