"""Runs the gateway's HTTP server until stopped."""

import asyncio
import gc

from aiohttp import web

from runtime.logging import get_logger
from runtime.settings import Settings
from services.gateway.app import create_app
from services.gateway.http.server import GatewayRunner

log = get_logger(__name__)

# Every closed TCP connection leaves its asyncio transport in a reference cycle on Python 3.11
# (CPython gh-100348, fixed in 3.12), which only the cyclic collector frees. With the services'
# young threshold of 50,000 (runtime.service.tune_gc, chosen for the store's batches) thousands
# of connections' worth waited for it; the gateway, one connection per event stream, looks
# sooner. What tune_gc froze stays out of sight, so a young collection stays cheap.
YOUNG_GC_THRESHOLD = 10_000


async def run(settings: Settings, stop: asyncio.Event) -> None:
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, older, oldest)
    runner = GatewayRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.gateway_host, settings.gateway_port)
    await site.start()
    log.info("gateway.listening", url=f"http://{settings.gateway_host}:{settings.gateway_port}")
    await stop.wait()
    await runner.cleanup()
