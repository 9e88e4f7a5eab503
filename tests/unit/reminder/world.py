"""The reminder's world in memory, part two: the service layer wired on in-memory ports (unit
of work, outbox and relay, event log, request bus, leases, fake clock). ``Stores`` outlive a
``World``: a new World on the same stores is the service restarted."""

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from contracts.codec import decode_event
from contracts.envelope import Envelope
from contracts.events import Event, SessionConnected, SessionCreated, SessionDisconnected
from runtime.leases import Leases
from runtime.memory.eventlog import MemoryEventLog
from runtime.memory.leases import MemoryLeaseBucket
from runtime.memory.requests import MemoryRequestBus
from runtime.messaging import Delivered
from runtime.outbox import MemoryOutbox
from runtime.outbox_relay import OutboxRelay
from runtime.unit_of_work import MemoryUnitOfWork
from services.reminder.adapters.memory.reads import MemoryScheduleReads
from services.reminder.adapters.memory.store import MemoryReminderWork
from services.reminder.adapters.session_client import SessionClient
from services.reminder.domain.pacer import PacingPolicy
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.entrypoints.log_consumer import FILTERS
from services.reminder.service_layer.checks import Checks
from services.reminder.service_layer.commands import CommandHandlers
from services.reminder.service_layer.dispatcher import Dispatcher
from services.reminder.service_layer.log_reactor import LogReactor
from services.reminder.service_layer.metrics import ReminderMetrics
from services.reminder.service_layer.recorder import Recorder
from services.reminder.service_layer.session_worker import SessionWorker
from tests.unit.reminder.fakes import FakeClock, LogPublisher, StandInSession

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
TTL_S = 15.0
POLICY = ReminderPolicy(
    pacing=PacingPolicy(min_spacing_s=5, jitter_s=1, per_minute=100, per_hour=1000),
    max_attempts=3, backoff_base_s=30, backoff_max_s=120, stale_after_s=3600,
    outcome_timeout_s=120,
)  # fmt: skip


@dataclass
class Stores:
    """What outlives one process: the database, the log, the bus, the lease bucket, time."""

    clock: FakeClock = field(default_factory=lambda: FakeClock(T0))
    log: MemoryEventLog = field(default_factory=MemoryEventLog)
    bus: MemoryRequestBus = field(default_factory=MemoryRequestBus)
    outbox: MemoryOutbox = field(init=False)
    work: MemoryReminderWork = field(init=False)
    bucket: MemoryLeaseBucket = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = MemoryOutbox("main", clock=self.clock.now)
        self.work = MemoryReminderWork(MemoryUnitOfWork(outbox=self.outbox))
        self.bucket = MemoryLeaseBucket(TTL_S, clock=self.clock.seconds)


class World:
    def __init__(self, stores: Stores | None = None, instance: str = "main") -> None:
        s = self.stores = stores or Stores()
        self.clock, self.log, self.work = s.clock, s.log, s.work
        self.publisher = LogPublisher(s.log)
        self.relay = OutboxRelay(s.outbox, self.publisher, clock=s.clock.now)
        self.reads = MemoryScheduleReads(s.work)
        self.metrics = ReminderMetrics()
        self.recorder = Recorder(s.work, self.relay, s.clock, self.metrics)
        self.stop = asyncio.Event()
        self.leases = Leases(s.bucket, instance)
        sender = SessionClient(s.bus, timeout=5.0)
        rng = random.Random(7)
        self.worker = SessionWorker(self.recorder, self.reads, POLICY, self.leases, sender,
                                    self.stop, rng)  # fmt: skip
        self.dispatcher = Dispatcher(self.recorder, self.reads, POLICY, self.leases, TTL_S,
                                     self.worker, self.stop, rng)  # fmt: skip
        self.reactor = LogReactor(f"reminder-{instance}", self.recorder, POLICY,
                                  self.dispatcher.wake)  # fmt: skip
        checks = Checks(self.reads, self.pump, "EG", timedelta(days=366))
        self.handlers = CommandHandlers(self.recorder, self.reads, checks, self.dispatcher.wake)
        self._cursor: int | None = None

    async def start(self) -> "World":
        """As bootstrap: publish what a crash left staged, then catch up with the log."""
        await self.relay.flush()
        await self.pump()
        return self

    async def pump(self) -> None:
        """Hand the reactor every matching event not applied yet (its durable consumer)."""
        if self._cursor is None:
            self._cursor = await self.reactor.position()
        pending = self.log.matching(FILTERS, self._cursor)
        if pending:
            batch = [Delivered(e.sequence, decode_event(e.data)) for e in pending]
            await self.reactor.apply(batch)
            self._cursor = pending[-1].sequence

    async def tick(self) -> bool:
        """One look of the timer, its workers run to their end, their outcomes applied."""
        blocked = await self.dispatcher.tick(self.clock.now())
        await asyncio.gather(*self.dispatcher.workers)
        await self.pump()
        return blocked

    def events(self, kind: str = "") -> list[Envelope]:
        found = [decode_event(e.data) for e in self.log.events]
        return [env for env in found if env.type.startswith(kind)]

    def payloads(self, kind: str) -> list[Event]:
        return [env.payload for env in self.events(kind)]

    def counted(self, name: str, **labels: str) -> float:
        """An operator's counter, as exposed (``wa_reminders_sent`` …)."""
        return self.metrics.registry.get_sample_value(f"{name}_total", labels) or 0.0


async def session_up(world: World, standin: StandInSession, session: str = "s1") -> None:
    await standin.publish("t1", session, SessionCreated(name="x"))
    await connect(world, standin, session)


async def connect(world: World, standin: StandInSession, session: str = "s1") -> None:
    standin.connected[session] = True
    await standin.publish("t1", session, SessionConnected(phone_number="+2010", jid="2010@s"))
    await world.pump()


async def disconnect(world: World, standin: StandInSession, session: str = "s1") -> None:
    standin.connected[session] = False
    await standin.publish("t1", session, SessionDisconnected(reason="network", will_retry=True))
    await world.pump()


async def world_with_session(session: str = "s1") -> tuple[World, StandInSession]:
    world = await World().start()
    standin = StandInSession(world.log, world.clock)
    await standin.start(world.stores.bus)
    await session_up(world, standin, session)
    return world, standin
