"""What ends open event streams from outside their handlers: the key watch (a rotated or revoked
key), a sweep for clients that have gone, and the gateway's shutdown.

aiohttp tells a handler nothing when a client without a request body hangs up; a stream would
notice only when it next wakes, holding its JetStream consumer, subscription and task until
then. One sweep per gateway looks at every open stream's connection instead."""

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from runtime.logging import get_logger
from services.gateway.adapters.key_watch import KeyWatch
from services.gateway.http.keys import JETSTREAM, STREAMS, TENANTS

__all__ = ["SWEEP_S", "guard_streams", "install"]

log = get_logger(__name__)
SWEEP_S = 0.1  # how long a stream whose client has gone lives on, at most


async def _sweep_forever(app: web.Application) -> None:
    streams = app[STREAMS]
    while True:
        await asyncio.sleep(SWEEP_S)
        streams.sweep()


async def guard_streams(app: web.Application) -> AsyncIterator[None]:
    watch = KeyWatch(app[STREAMS], app[TENANTS].cache)
    await watch.start(app[JETSTREAM])
    sweeper = asyncio.create_task(_sweep_forever(app))
    yield
    sweeper.cancel()
    await asyncio.wait({sweeper})
    await watch.stop()


async def _end_on_shutdown(app: web.Application) -> None:
    app[STREAMS].end_all("shutdown")


def install(app: web.Application) -> None:
    """After the NATS connection's ``cleanup_ctx``: the watch needs JetStream."""
    app.cleanup_ctx.append(guard_streams)
    app.on_shutdown.append(_end_on_shutdown)
