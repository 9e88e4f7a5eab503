"""Clients of a locked bus that record the server's refusals, and a tenant subscriber."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import nats
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import ServiceUnavailableError

from contracts.bus import BusCredential
from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.nats_auth.credentials import Credentials
from tests.support.waiting import eventually


class Watched:
    """A connection and every asynchronous error the server sent it."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.closed = asyncio.Event()
        self.nc: Client | None = None

    async def connect(self, url: str, creds: Credentials, **options: object) -> Client:
        async def error(exc: Exception) -> None:
            self.errors.append(str(exc).lower())

        async def closed() -> None:
            self.closed.set()

        self.nc = await nats.connect(
            url.split(","),
            user=creds.user,
            password=creds.password,
            inbox_prefix=creds.inbox_prefix,
            error_cb=error,
            closed_cb=closed,
            **options,  # type: ignore[arg-type]
        )
        return self.nc

    async def refused(self, action: Callable[[], Awaitable[object]], subject: str) -> None:
        """``action`` is refused by the server: a permissions violation naming ``subject``.

        A refused request gets no answer, only that error: once the error is in, the request
        is abandoned rather than left to wait out its timeout (seconds, for each refusal)."""
        attempt = asyncio.ensure_future(action())
        wanted = "permissions violation for"
        try:
            await eventually(
                lambda: _async(any(wanted in e and subject.lower() in e for e in self.errors)),
                timeout=10,
            )
        finally:
            attempt.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await attempt


async def _async(value: bool) -> bool:
    return value


def subscriber_creds(credential: BusCredential, password: str) -> Credentials:
    return Credentials(user=credential.user, password=password)


async def connect_when_accepted(url: str, creds: Credentials, watched: Watched) -> Client:
    """The users agent applies a new credential within moments: try until the server agrees."""

    async def attempt() -> Client | None:
        try:
            return await watched.connect(url, creds, allow_reconnect=False, connect_timeout=2)
        except Exception:
            return None

    return await eventually(attempt, timeout=15, interval=0.1)


async def read_own_events(nc: Client, user: str, tenant: str, count: int) -> list[bytes]:
    """What the subscriber reads through the one consumer it may have."""
    js = nc.jetstream(timeout=5)
    config = ConsumerConfig(
        name=user, durable_name=user, filter_subject=event_filter(tenant=tenant),
        ack_policy=AckPolicy.EXPLICIT,
    )  # fmt: skip
    await js.add_consumer(EVENTS_STREAM, config)
    sub = await js.pull_subscribe_bind(durable=user, stream=EVENTS_STREAM)
    got: list[bytes] = []
    give_up = asyncio.get_running_loop().time() + 15
    while len(got) < count:
        try:
            batch = await sub.fetch(count - len(got), timeout=5)
        except ServiceUnavailableError:  # on a cluster, the new consumer has no leader yet
            if asyncio.get_running_loop().time() > give_up:
                raise
            await asyncio.sleep(0.05)
            continue
        for msg in batch:
            got.append(msg.data)
            await msg.ack()
    return got
