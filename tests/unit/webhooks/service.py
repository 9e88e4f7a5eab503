"""The webhooks service layer wired on in-memory ports: the store, the unit of work, the
event log, a fake clock and a receiver behind the sender port."""

import asyncio
from dataclasses import dataclass, field

from contracts.envelope import Envelope, make_event
from contracts.events import SessionConnected, SessionCreated
from contracts.webhooks import CreateWebhook, DeliveryView, ListDeliveries, WebhookCreated
from runtime.memory.clock import ManualClock
from runtime.memory.eventlog import MemoryEventLog
from runtime.unit_of_work import MemoryUnitOfWork
from services.webhooks.domain.retry import RetryPolicy
from services.webhooks.service_layer.delivering import consume
from services.webhooks.service_layer.dispatcher import Dispatcher
from services.webhooks.service_layer.fanout import Fanout
from services.webhooks.service_layer.registry import WebhookRegistry
from tests.support.waiting import eventually
from tests.unit.webhooks.memory import MemoryWebhooks
from tests.unit.webhooks.receiver import Receiver

__all__ = ["POLICY", "Service", "connected", "created"]

POLICY = RetryPolicy(max_attempts=3, base_s=10.0, cap_s=60.0)  # waits 5 s, then 10 s (rand 0)
START = 1_800_000_000.0


def created(session: str, tenant: str = "t1") -> Envelope:
    return make_event(SessionCreated(name="n"), tenant=tenant, session=session)


def connected(session: str, tenant: str = "t1") -> Envelope:
    payload = SessionConnected(phone_number="+201234567890", jid="201234567890@s.whatsapp.net")
    return make_event(payload, tenant=tenant, session=session)


@dataclass
class Service:
    """One replica's service layer; ``restarted()`` is another on the same store and log."""

    store: MemoryWebhooks = field(default_factory=MemoryWebhooks)
    uow: MemoryUnitOfWork = field(default_factory=MemoryUnitOfWork)
    log: MemoryEventLog = field(default_factory=lambda: MemoryEventLog(dedupe_s=0))
    clock: ManualClock = field(default_factory=lambda: ManualClock(START))

    def __post_init__(self) -> None:
        self.receiver = Receiver(self.clock)
        self.woken = 0
        self.dispatcher = Dispatcher(
            self.store, self.receiver, POLICY, timeout_s=1.0, clock=self.clock, rand=lambda: 0.0
        )
        self.registry = WebhookRegistry(
            self.store, self.store, on_requeued=self._wake, clock=self.clock
        )
        self.fanout = Fanout(
            self.uow, self.store, self.store, clock=self.clock, on_queued=self._wake
        )

    def _wake(self) -> None:
        self.woken += 1
        self.dispatcher.wake()

    def restarted(self) -> "Service":
        return Service(self.store, self.uow, self.log, self.clock)

    async def register(self, tenant: str = "t1", **kw: object) -> str:
        kw.setdefault("events", ["*"])
        request = CreateWebhook(tenant=tenant, url="https://hooks.acme.com/wa", **kw)  # type: ignore[arg-type]
        reply = await self.registry.handle(request)
        assert isinstance(reply, WebhookCreated), reply
        return reply.webhook.id

    async def consume(self) -> None:
        """Feed the fan-out everything logged so far."""
        stop = asyncio.Event()
        task = asyncio.create_task(consume(self.log, self.fanout, stop))

        async def caught_up() -> bool:
            if task.done():
                task.result()
            return await self.fanout.position() == self.log.last_sequence

        await eventually(caught_up)
        stop.set()
        await task

    async def dispatch(self) -> float:
        """One turn of the dispatcher: start what is due, let it end; seconds to the next."""
        wait_s = await self.dispatcher.start_due()
        await self.dispatcher.settled()
        return wait_s

    async def deliveries(self, webhook: str, tenant: str = "t1") -> list[DeliveryView]:
        reply = await self.registry.handle(ListDeliveries(tenant=tenant, webhook=webhook))
        return list(reply.items)
