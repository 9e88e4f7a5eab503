"""Wires the webhooks service: the real adapters (SQL, NATS, HTTP) behind the service layer's
ports; the request entry point, and (while this replica leads) the fan-out from the event
log, the dispatcher and the log's pruning."""

import asyncio
import time

from aiohttp.abc import AbstractResolver

from contracts.ids import new_id
from runtime.bus import open_bus
from runtime.leadership import lead_when_elected
from runtime.media.links import link_signer
from runtime.nats_messaging import NatsEventFeed
from runtime.rpc import serve_ping
from runtime.settings import Settings
from runtime.sql.unit_of_work import SqlUnitOfWork
from services.webhooks.adapters.database import open_webhooks_db
from services.webhooks.adapters.deliveries import SqlDeliveries
from services.webhooks.adapters.http_sender import HttpSender, open_client
from services.webhooks.adapters.leadership import dispatcher_leadership
from services.webhooks.adapters.registrations import SqlRegistrations
from services.webhooks.domain.retry import RetryPolicy
from services.webhooks.entrypoints.nats_requests import serve_requests
from services.webhooks.service_layer.delivering import Delivering
from services.webhooks.service_layer.dispatcher import Dispatcher
from services.webhooks.service_layer.fanout import Fanout
from services.webhooks.service_layer.media_links import MediaLinks
from services.webhooks.service_layer.registry import WebhookRegistry

__all__ = ["retry_policy", "run"]


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=max(1, settings.webhook_max_attempts),
        base_s=settings.webhook_backoff_s,
        cap_s=settings.webhook_backoff_max_s,
    )


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
        registrations = SqlRegistrations(engine)
        registry = WebhookRegistry(
            registrations,
            deliveries,
            on_requeued=dispatcher.wake,
            allow_private=allow_private,
            max_per_tenant=settings.tenant_max_webhooks,
        )
        await serve_requests(bus.nc, registry)
        fanout = Fanout(
            SqlUnitOfWork(engine), registrations, deliveries, clock=time.time,
            on_queued=dispatcher.wake,
        )  # fmt: skip
        retention_s = settings.webhook_log_retention_s
        deliver = Delivering(NatsEventFeed(bus.js), fanout, dispatcher, deliveries, retention_s)
        await serve_ping(bus.nc, "webhooks")
        await lead_when_elected(
            leadership, deliver, stop, ttl_s=settings.lease_ttl_s, name="webhooks"
        )
    await bus.close()
    await engine.dispose()
