"""One service's connection to the platform: NATS, JetStream, the event log and its publisher."""

from dataclasses import dataclass

from nats.aio.client import Client
from nats.js import JetStreamContext

from runtime.eventlog import EventPublisher, ensure_stream
from runtime.nats_conn import connect
from runtime.settings import Settings

__all__ = ["Bus", "open_bus"]


@dataclass(frozen=True)
class Bus:
    nc: Client
    js: JetStreamContext
    publisher: EventPublisher

    async def close(self) -> None:
        await self.nc.drain()


async def open_bus(settings: Settings, name: str) -> Bus:
    if not settings.nats_url:
        raise RuntimeError("WA_NATS_URL is not set (wa up sets it for the services it starts)")
    nc = await connect(settings.nats_url, name)
    js = nc.jetstream(timeout=settings.request_timeout_s)
    await ensure_stream(js, replicas=settings.stream_replicas, dedupe_s=settings.dedupe_window_s)
    return Bus(nc=nc, js=js, publisher=EventPublisher(js, timeout=settings.request_timeout_s))
