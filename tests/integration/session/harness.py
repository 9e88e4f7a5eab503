"""Drives a real session service (in this process) over a real NATS server, with the simulator."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import msgspec
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import ConsumerConfig, DeliverPolicy

from contracts.codec import decode_event
from contracts.commands import Accepted, CommandReply, CreateSession, PairSession, SessionCommand
from contracts.envelope import Envelope
from contracts.ids import new_id
from contracts.simulator import SimReply, SimScan, SimSent, SimSentReply
from contracts.subjects import EVENTS_STREAM, event_filter, session_command_subject, sim_subject
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.bootstrap import run
from tests.support.waiting import eventually

T = TypeVar("T")
_encoder = msgspec.json.Encoder()
_reply: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)
FAST = {
    "reconnect_base_s": 0.05,
    "reconnect_cap_s": 0.2,
    "send_per_minute": 6000.0,
    "send_burst": 50,
    "send_min_spacing_s": 0.0,
    "send_jitter_s": 0.0,
    "send_retry_base_s": 0.02,
    "send_retry_cap_s": 0.05,
    "lease_ttl_s": 4.0,
    "sim_qr_ttl_s": 5.0,
}
PHONE = "+201234567890"


def fast(settings: Settings, **more: Any) -> Settings:
    return msgspec.structs.replace(settings, **{**FAST, **more})


@asynccontextmanager
async def running_service(settings: Settings, bus: Bus) -> AsyncIterator[None]:
    """The session service as a task; ready once it answers its ping."""
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, stop))

    async def ready() -> bool:
        if task.done():
            task.result()
        try:
            await bus.nc.request("wa.ping.session", b"", timeout=0.2)
            return True
        except Exception:
            return False

    await eventually(ready, timeout=15)
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


class Driver:
    """Commands, simulator verbs and the event log, as a test sees them."""

    def __init__(self, bus: Bus, tenant: str = "t1") -> None:
        self.bus = bus
        self.tenant = tenant

    async def command(self, cmd: SessionCommand) -> CommandReply:
        subject = session_command_subject(cmd.tenant, cmd.session)
        msg = await self.bus.nc.request(subject, _encoder.encode(cmd), timeout=10)
        return _reply.decode(msg.data)

    async def _sim(self, verb: str, request: Any, reply: type[T]) -> T:
        msg = await self.bus.nc.request(sim_subject(verb), _encoder.encode(request), timeout=10)
        return msgspec.json.decode(msg.data, type=reply)

    async def sim(self, verb: str, request: Any) -> SimReply:
        return await self._sim(verb, request, SimReply)

    async def sent(self, session: str) -> SimSentReply:
        return await self._sim("sent", SimSent(session=session), SimSentReply)

    async def create(self, name: str = "Sales") -> str:
        session = new_id()
        reply = await self.command(CreateSession(tenant=self.tenant, session=session, name=name))
        assert isinstance(reply, Accepted), reply
        return session

    async def connected_session(self) -> str:
        session = await self.create()
        reply = await self.command(PairSession(tenant=self.tenant, session=session))
        assert isinstance(reply, Accepted) and reply.qr, reply
        scanned = await self.sim("scan", SimScan(session=session, phone=PHONE))
        assert scanned.ok, scanned
        await self.wait_for(session, "session.connected")
        return session

    async def events(self, session: str) -> list[Envelope]:
        sub = await self.bus.js.pull_subscribe(
            event_filter(session=session),
            stream=EVENTS_STREAM,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
        )
        found: list[Envelope] = []
        try:
            while True:
                try:
                    msgs = await sub.fetch(1000, timeout=0.3)
                except (NatsTimeout, TimeoutError):
                    break
                found += [decode_event(m.data) for m in msgs]
        finally:
            await sub.unsubscribe()
        return found

    async def types(self, session: str) -> list[str]:
        return [e.type for e in await self.events(session)]

    async def wait_for(
        self, session: str, kind: str, count: int = 1, timeout: float = 10
    ) -> list[Envelope]:
        async def probe() -> list[Envelope]:
            found = [e for e in await self.events(session) if e.type == kind]
            return found if len(found) >= count else []

        return await eventually(probe, timeout=timeout, interval=0.1)
