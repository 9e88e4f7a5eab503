"""The webhooks service in-process on a real NATS server and a real database (each test runs
on SQLite and on PostgreSQL, ``WA_TEST_POSTGRES_URL``, skipped when unreachable), with small
retry timings, and a receiver on loopback."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import pytest
from aiohttp.abc import AbstractResolver

from contracts.commands import Refused
from contracts.envelope import Envelope, make_event
from contracts.events import SessionConnected, SessionCreated
from contracts.subjects import webhooks_subject
from contracts.webhooks import (
    CreateWebhook,
    DeliveryList,
    DeliveryView,
    ListDeliveries,
    WebhookCreated,
    WebhookReply,
    WebhookRequest,
)
from runtime import rpc
from runtime.bus import Bus
from runtime.embedded_nats import EmbeddedNats
from runtime.settings import Settings, load_settings
from services.webhooks.bootstrap import run
from tests.integration.webhooks.receiver import Receiver
from tests.support.postgres import scratch_database
from tests.support.waiting import eventually

_encoder = msgspec.json.Encoder()
_reply: msgspec.json.Decoder[WebhookReply] = msgspec.json.Decoder(WebhookReply)


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """Empty: SQLite under the data dir; else a fresh PostgreSQL database, dropped afterwards."""
    if request.param == "sqlite":
        yield ""
        return
    async with scratch_database("wa_webhooks") as url:
        yield url


@pytest.fixture
def settings(nats_server: EmbeddedNats, tmp_path: Path, db_url: str) -> Settings:
    return load_settings(
        {},
        nats_url=nats_server.url,
        data_dir=str(tmp_path / "data"),
        webhooks_db_url=db_url,
        webhook_max_attempts=4,
        webhook_backoff_s=0.1,
        webhook_backoff_max_s=1.0,
        webhook_timeout_s=0.5,
        lease_ttl_s=1.0,
        webhook_allow_private_targets=True,  # the receiver is on loopback
    )


@dataclass
class WebhooksService:
    """The service as a task: ``ask`` sends a request over NATS; ``restart`` stops and starts."""

    settings: Settings
    bus: Bus
    resolver: AbstractResolver | None = None  # the DNS of deliveries; the system's if None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(run(self.settings, self.stop, resolver=self.resolver))

        async def answers() -> bool:
            if self.task and self.task.done():
                self.task.result()
            try:
                await rpc.request(self.bus.nc, rpc.ping_subject("webhooks"), b"", timeout=0.5)
            except rpc.BackendUnavailable:
                return False
            return True

        await eventually(answers)

    async def halt(self) -> None:
        self.stop.set()
        if self.task:
            await self.task

    async def ask(self, request: WebhookRequest) -> WebhookReply:
        data = await rpc.request(
            self.bus.nc, webhooks_subject(), _encoder.encode(request), timeout=5
        )
        return _reply.decode(data)

    async def register(self, tenant: str, url: str, **kw: object) -> WebhookCreated:
        reply = await self.ask(
            CreateWebhook(tenant=tenant, url=url, events=kw.pop("events", ["*"]), **kw)  # type: ignore[arg-type]
        )
        assert isinstance(reply, WebhookCreated), reply
        return reply

    async def deliveries(self, tenant: str, webhook: str, **kw: object) -> list[DeliveryView]:
        reply = await self.ask(ListDeliveries(tenant=tenant, webhook=webhook, **kw))  # type: ignore[arg-type]
        assert isinstance(reply, DeliveryList), reply
        return reply.items


@pytest.fixture
async def service(settings: Settings, bus: Bus) -> AsyncIterator[WebhooksService]:
    svc = WebhooksService(settings, bus)
    await svc.start()
    yield svc
    await svc.halt()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    await rec.start()
    yield rec
    await rec.stop()


def created(session: str, tenant: str = "t1", name: str = "n") -> Envelope:
    return make_event(SessionCreated(name=name), tenant=tenant, session=session)


def connected(session: str, tenant: str = "t1") -> Envelope:
    payload = SessionConnected(phone_number="+201234567890", jid="201234567890@s.whatsapp.net")
    return make_event(payload, tenant=tenant, session=session)


def refused(reply: WebhookReply) -> Refused:
    assert isinstance(reply, Refused), reply
    return reply
