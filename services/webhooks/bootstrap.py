"""Wires the webhooks service: database, request entry point, and (while this replica leads)
the event-log outbox and the dispatcher."""

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from aiohttp.abc import AbstractResolver
from nats.js import JetStreamContext
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from contracts.ids import new_id
from contracts.subjects import event_filter
from runtime.bus import open_bus
from runtime.consumer import run_consumer
from runtime.leadership import lead_when_elected
from runtime.logging import get_logger
from runtime.media.links import link_signer
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.webhooks.adapters.deliveries import SqlDeliveries
from services.webhooks.adapters.http_sender import HttpSender, open_client
from services.webhooks.adapters.leadership import dispatcher_leadership
from services.webhooks.adapters.outbox import CONSUMER, DeliveryOutbox
from services.webhooks.adapters.registrations import SqlRegistrations
from services.webhooks.adapters.tables import metadata
from services.webhooks.domain.retry import RetryPolicy
from services.webhooks.entrypoints.nats_requests import serve_requests
from services.webhooks.service_layer.dispatcher import Dispatcher
from services.webhooks.service_layer.media_links import MediaLinks
from services.webhooks.service_layer.registry import WebhookRegistry
from services.webhooks.service_layer.retention import prune_delivered

log = get_logger(__name__)

RESTART_DELAY_S = 0.5


def _sqlite_wal(dbapi_conn: Any, _: Any) -> None:
    """WAL, and fsync at checkpoints only: a power cut may undo the last commits, which then
    happen again (the consumer replays from its older position; an attempt is retried)."""
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def open_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_wal)
    for attempt in range(1, 4):
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            break
        except DBAPIError:  # replicas creating the same tables at once: the loser tries again
            if attempt == 3:
                raise
            await asyncio.sleep(0.2 * attempt)
    return engine


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=max(1, settings.webhook_max_attempts),
        base_s=settings.webhook_backoff_s,
        cap_s=settings.webhook_backoff_max_s,
    )


async def _consume(js: JetStreamContext, outbox: DeliveryOutbox, stop: asyncio.Event) -> None:
    """Consume until stopped; should the outbox fail (its database), start again from its
    recorded position after a pause, so nothing is lost or queued twice."""
    while not stop.is_set():
        try:
            await run_consumer(js, outbox, durable=CONSUMER, filters=[event_filter()], stop=stop)
        except Exception:
            log.exception("webhooks.consumer_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RESTART_DELAY_S)


async def run(
    settings: Settings, stop: asyncio.Event, *, resolver: AbstractResolver | None = None
) -> None:
    """``resolver``: the DNS the deliveries use (the system's unless given)."""
    bus = await open_bus(settings, "webhooks")
    engine = await open_engine(settings.db_url("webhooks"))
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
        outbox = DeliveryOutbox(
            engine, clock_ms=lambda: int(time.time() * 1000), on_queued=dispatcher.wake
        )

        async def deliver(term: asyncio.Event) -> None:
            dispatching = asyncio.create_task(dispatcher.run(term))
            retention = settings.webhook_log_retention_s
            pruning = asyncio.create_task(prune_delivered(deliveries, retention, term))
            try:
                await _consume(bus.js, outbox, term)
            finally:
                term.set()
                await asyncio.gather(dispatching, pruning)

        await serve_ping(bus.nc, "webhooks")
        await lead_when_elected(
            leadership, deliver, stop, ttl_s=settings.lease_ttl_s, name="webhooks"
        )
    await bus.close()
    await engine.dispose()
