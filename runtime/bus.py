"""One service's connection to the platform: NATS, JetStream, the event log and its publisher."""

import asyncio
from dataclasses import dataclass

from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError, ServiceUnavailableError

from runtime.eventlog import EventPublisher, ensure_stream
from runtime.logging import get_logger
from runtime.nats_auth.permissions import owns_stream
from runtime.nats_conn import client_credentials, connect
from runtime.settings import Settings

__all__ = ["Bus", "open_bus"]

log = get_logger(__name__)


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
    await _ensure_stream_when_ready(nc, settings, owner=creds is None or owns_stream(creds.user))
    return Bus(nc=nc, js=js, publisher=EventPublisher(js, timeout=settings.request_timeout_s))


READY_PROBE_S = 1.0  # the timeout of each readiness probe (not of the wait)


async def _ensure_stream_when_ready(nc: Client, settings: Settings, *, owner: bool) -> None:
    """A cluster that is still electing its JetStream leader answers "unavailable", or not at
    all: a request sent before the election gets no answer, so each probe waits at most
    ``READY_PROBE_S``, not the full request timeout, and the next follows soon. A service that
    does not own the stream waits for its owner to create it. Gives up after 60 s."""
    js = nc.jetstream(timeout=min(settings.request_timeout_s, READY_PROBE_S))
    loop = asyncio.get_running_loop()
    give_up = loop.time() + 60
    delay = 0.05
    while True:
        try:
            await ensure_stream(
                js,
                replicas=settings.stream_replicas,
                dedupe_s=settings.dedupe_window_s,
                owner=owner,
            )
            return
        except (NatsTimeout, ServiceUnavailableError, NoRespondersError, NotFoundError) as exc:
            if loop.time() > give_up:
                raise
            log.info("bus.jetstream_not_ready", error=repr(exc), retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)
