"""Wires the reminder service."""

import asyncio

from contracts.subjects import event_filter
from runtime.bus import open_bus
from runtime.consumer import run_consumer
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.reminder.entrypoints.session_events import SessionEventsLogger


async def run(settings: Settings, stop: asyncio.Event) -> None:
    bus = await open_bus(settings, "reminder")
    await serve_ping(bus.nc, "reminder")
    await run_consumer(
        bus.js,
        SessionEventsLogger(),
        durable="reminder-sessions",
        filters=[event_filter(event_type="session.>")],
        stop=stop,
    )
    await bus.close()
