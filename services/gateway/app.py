"""The gateway's app factory: nothing connects at import time."""

import asyncio
import time
from collections.abc import AsyncIterator

import msgspec
from aiohttp import web

from runtime.media.links import link_signer
from runtime.media.store import MediaStore
from runtime.media.sweeper import run_sweeper
from runtime.media.usage import MediaUsage
from runtime.nats_conn import client_credentials, connect
from runtime.public_http.client import open_client
from runtime.settings import Settings
from services.gateway.adapters.backends import Backends
from services.gateway.adapters.bus_credentials import BusCredentials
from services.gateway.adapters.figures import ServiceFigures
from services.gateway.adapters.tenants import TenantRegistry
from services.gateway.console import routes as console
from services.gateway.domain.open_streams import OpenStreams
from services.gateway.domain.rate_limit import RateLimiter
from services.gateway.domain.trusted_proxies import TrustedProxies
from services.gateway.http import stream_guard
from services.gateway.http.errors import error_middleware
from services.gateway.http.idempotency import open_claims
from services.gateway.http.keys import (
    AUTH_FAILURES,
    BACKENDS,
    BUS_CREDENTIALS,
    CLOSING,
    FIGURES,
    JETSTREAM,
    LIMITER,
    LINKS,
    MEDIA,
    MEDIA_FETCH,
    METRICS,
    OPENAPI,
    PROXIES,
    SETTINGS,
    STREAMS,
    TENANTS,
    USAGE,
)
from services.gateway.http.metrics import GatewayMetrics
from services.gateway.http.middleware import echo_request_id, metrics_middleware
from services.gateway.http.openapi import build_openapi
from services.gateway.http.operations import Operations
from services.gateway.routes import (
    appointments,
    bus_credentials,
    chats,
    contact_lookups,
    docs,
    events,
    groups,
    health,
    media,
    media_links,
    message_actions,
    messages,
    pairing,
    received_media,
    reminders,
    sessions,
    tenants,
    webhook_ops,
)
from services.gateway.service_layer.figures import CachedFigures

API: tuple[Operations, ...] = (
    health.ops,
    docs.ops,
    tenants.ops,
    bus_credentials.ops,
    sessions.ops,
    pairing.ops,
    media.ops,
    messages.ops,
    message_actions.ops,
    received_media.ops,
    media_links.ops,
    groups.ops,
    chats.ops,
    contact_lookups.ops,
    reminders.ops,
    appointments.ops,
    events.ops,
    webhook_ops.ops,  # serves routes/webhooks.py's handlers: do not add its table again
)


async def _nats(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    nc = await connect(settings.nats_url, "gateway", client_credentials(settings, "gateway"))
    js = nc.jetstream(timeout=settings.request_timeout_s)
    app[BACKENDS] = Backends(nc, settings.request_timeout_s)
    app[JETSTREAM] = js
    source = ServiceFigures(app[BACKENDS], js)
    app[FIGURES] = CachedFigures(source, settings.gateway_metrics_ttl_s, time.monotonic)
    app[TENANTS] = await TenantRegistry.open(js, settings.stream_replicas)
    app[BUS_CREDENTIALS] = await BusCredentials.open(js, settings.stream_replicas)
    app[MEDIA] = await MediaStore.open(
        js, replicas=settings.stream_replicas, max_age_s=settings.media_retention_s
    )
    app[USAGE] = await MediaUsage.open(
        js, replicas=settings.stream_replicas, quota=settings.media_quota_bytes
    )
    stop = asyncio.Event()
    sweeping = asyncio.create_task(
        run_sweeper(app[MEDIA], app[USAGE], settings.media_sweep_s, stop)
    )
    yield
    stop.set()
    await sweeping
    await nc.drain()


async def _media_fetcher(app: web.Application) -> AsyncIterator[None]:
    """The client fetching a send's ``"url"``: public peers only, loopback when the setting
    says (runtime.public_http)."""
    loopback = app[SETTINGS].media_fetch_allow_loopback
    async with open_client(allow_private=False, allow_loopback=loopback) as http:
        app[MEDIA_FETCH] = http
        yield


async def _closing(app: web.Application) -> None:
    app[CLOSING].set()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[metrics_middleware, error_middleware],
        client_max_size=settings.gateway_max_body_bytes,
    )
    app[SETTINGS] = settings
    app[METRICS] = GatewayMetrics()
    app[LIMITER] = RateLimiter(
        settings.gateway_rate_per_s, settings.gateway_rate_burst, clock=time.monotonic
    )
    app[AUTH_FAILURES] = RateLimiter(
        settings.gateway_auth_failures_per_s,
        settings.gateway_auth_failures_burst,
        clock=time.monotonic,
    )
    app[PROXIES] = TrustedProxies.from_setting(settings.gateway_trusted_proxies)
    app[CLOSING] = asyncio.Event()
    app[OPENAPI] = msgspec.json.encode(build_openapi([op for ops in API for op in ops.items]))
    app[STREAMS] = OpenStreams()
    app[LINKS] = link_signer(settings)
    app.cleanup_ctx.append(_nats)
    app.cleanup_ctx.append(open_claims)  # after _nats: it needs the JetStream context
    app.cleanup_ctx.append(_media_fetcher)
    stream_guard.install(app)
    app.on_shutdown.append(_closing)
    app.on_response_prepare.append(echo_request_id)
    for ops in API:
        app.add_routes(ops.routes)
    app.add_routes(console.routes)
    return app
