"""Wires the session service: bus, handlers, command entry point."""

import asyncio

from runtime.bus import open_bus
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.session.entrypoints.nats_commands import serve_commands
from services.session.service_layer.handlers import SessionHandlers


async def run(settings: Settings, stop: asyncio.Event) -> None:
    bus = await open_bus(settings, "session")
    handlers = SessionHandlers(bus.publisher)
    await serve_commands(bus.nc, handlers)
    await serve_ping(bus.nc, "session")
    await stop.wait()
    await bus.close()
