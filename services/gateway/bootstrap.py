"""Runs the gateway's HTTP server until stopped."""

import asyncio

from aiohttp import web

from runtime.logging import get_logger
from runtime.settings import Settings
from services.gateway.app import create_app
from services.gateway.http_server import GatewayRunner

log = get_logger(__name__)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    runner = GatewayRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.gateway_host, settings.gateway_port)
    await site.start()
    log.info("gateway.listening", url=f"http://{settings.gateway_host}:{settings.gateway_port}")
    await stop.wait()
    await runner.cleanup()
