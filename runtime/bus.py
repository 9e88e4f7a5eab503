"""One service's connection to the platform: NATS, JetStream, the event log and its publisher."""

from dataclasses import dataclass

from nats.aio.client import Client
from nats.js import JetStreamContext

from contracts.subjects import EVENTS_STREAM
from runtime.eventlog import EventPublisher, ensure_stream
from runtime.jetstream_ready import when_ready
from runtime.nats_auth.permissions import owns_stream
from runtime.nats_conn import client_credentials, connect
from runtime.settings import Settings

__all__ = ["Bus", "open_bus"]


@dataclass(frozen=True)
class Bus:
    nc: Client
    js: JetStreamContext
    publisher: EventPublisher

    async def close(self) -> None:
        await self.nc.drain()


async def open_bus(settings: Settings, name: str, user: str = "") -> Bus:
    """``user``: whose credentials to use when none are set explicitly (default: ``name``)."""
    if not settings.nats_url:
        raise RuntimeError("WA_NATS_URL is not set (wa up sets it for the services it starts)")
    creds = client_credentials(settings, user or name)
    nc = await connect(settings.nats_url, name, creds)
    js = nc.jetstream(timeout=settings.request_timeout_s)
    await _ensure_stream_when_ready(js, settings, owner=creds is None or owns_stream(creds.user))
    return Bus(nc=nc, js=js, publisher=EventPublisher(js, timeout=settings.request_timeout_s))


async def _ensure_stream_when_ready(
    js: JetStreamContext, settings: Settings, *, owner: bool
) -> None:
    """A service that does not own the stream waits for its owner to create it."""
    await when_ready(
        js,
        lambda probe: ensure_stream(
            probe, replicas=settings.stream_replicas, dedupe_s=settings.dedupe_window_s, owner=owner
        ),
        waiting_for=f"stream {EVENTS_STREAM}",
    )
