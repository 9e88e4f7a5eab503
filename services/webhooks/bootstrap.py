"""Wires the webhooks service: database, request entry point, and (while this replica leads)
the event log's fan-out into deliveries and the dispatcher."""

import asyncio
import contextlib
import time

from aiohttp.abc import AbstractResolver
from nats.js import JetStreamContext

from contracts.ids import new_id
from contracts.subjects import event_filter
from runtime.bus import open_bus
from runtime.consumer import run_consumer
from runtime.leadership import lead_when_elected
from runtime.logging import get_logger
from runtime.media.links import link_signer
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.webhooks.adapters.database import open_webhooks_db
from services.webhooks.adapters.deliveries import SqlDeliveries
from services.webhooks.adapters.fan_out import CONSUMER, DeliveryFanOut
from services.webhooks.adapters.http_sender import HttpSender, open_client
from services.webhooks.adapters.leadership import dispatcher_leadership
from services.webhooks.adapters.registrations import SqlRegistrations
from services.webhooks.domain.retry import RetryPolicy
from services.webhooks.entrypoints.nats_requests import serve_requests
from services.webhooks.service_layer.dispatcher import Dispatcher
from services.webhooks.service_layer.media_links import MediaLinks
from services.webhooks.service_layer.registry import WebhookRegistry
from services.webhooks.service_layer.retention import prune_delivered

log = get_logger(__name__)

RESTART_DELAY_S = 0.5


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=max(1, settings.webhook_max_attempts),
        base_s=settings.webhook_backoff_s,
        cap_s=settings.webhook_backoff_max_s,
    )


async def _consume(js: JetStreamContext, fan_out: DeliveryFanOut, stop: asyncio.Event) -> None:
    """Consume until stopped; should the fan-out fail (its database), start again from its
    recorded position after a pause, so nothing is lost or queued twice."""
    while not stop.is_set():
        try:
            await run_consumer(js, fan_out, durable=CONSUMER, filters=[event_filter()], stop=stop)
        except Exception:
            log.exception("webhooks.consumer_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RESTART_DELAY_S)


async def run(
    settings: Settings, stop: asyncio.Event, *, resolver: AbstractResolver | None = None
) -> None:
    """``resolver``: the DNS the deliveries use (the system's unless given)."""
    bus = await open_bus(settings, "webhooks")
    engine = await open_webhooks_db(settings.db_url("webhooks"))
    deliveries = SqlDeliveries(engine)
    leadership = await dispatcher_leadership(
        bus.js, new_id(), settings.lease_ttl_s, settings.stream_replicas
    )
    allow_private = settings.webhook_allow_private_targets
    async with open_client(allow_private=allow_private, resolver=resolver) as http:
        dispatcher = Dispatcher(
            deliveries,
            HttpSender(http, allow_private=allow_private),
            retry_policy(settings),
            timeout_s=settings.webhook_timeout_s,
            body=MediaLinks(link_signer(settings)).body,
        )
        registry = WebhookRegistry(
            SqlRegistrations(engine),
            deliveries,
            on_requeued=dispatcher.wake,
            allow_private=allow_private,
            max_per_tenant=settings.tenant_max_webhooks,
        )
        await serve_requests(bus.nc, registry)
        fan_out = DeliveryFanOut(
            engine, clock_ms=lambda: int(time.time() * 1000), on_queued=dispatcher.wake
        )

        async def deliver(term: asyncio.Event) -> None:
            dispatching = asyncio.create_task(dispatcher.run(term))
            retention = settings.webhook_log_retention_s
            pruning = asyncio.create_task(prune_delivered(deliveries, retention, term))
            try:
                await _consume(bus.js, fan_out, term)
            finally:
                term.set()
                await asyncio.gather(dispatching, pruning)

        await serve_ping(bus.nc, "webhooks")
        await lead_when_elected(
            leadership, deliver, stop, ttl_s=settings.lease_ttl_s, name="webhooks"
        )
    await bus.close()
    await engine.dispose()
