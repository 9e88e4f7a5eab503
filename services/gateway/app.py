"""The gateway's app factory: nothing connects at import time."""

from collections.abc import AsyncIterator

from aiohttp import web

from runtime.nats_conn import connect
from runtime.settings import Settings
from services.gateway.auth import TenantRegistry
from services.gateway.backends import Backends
from services.gateway.errors import error_middleware
from services.gateway.keys import BACKENDS, SETTINGS, TENANTS
from services.gateway.routes import health, sessions, tenants
from services.gateway.routes import webhooks as webhook_routes

MAX_BODY = 256 * 1024


async def _nats(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    nc = await connect(settings.nats_url, "gateway")
    app[BACKENDS] = Backends(nc, settings.request_timeout_s)
    app[TENANTS] = await TenantRegistry.open(nc.jetstream())
    yield
    await nc.drain()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_nats)
    for table in (health.routes, tenants.routes, sessions.routes):
        app.add_routes(table)
    app.add_routes(webhook_routes.routes)
    return app
