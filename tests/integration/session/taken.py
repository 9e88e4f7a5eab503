"""A session taken by an instance whose leases live in a bucket in memory, its events kept in
an in-memory log: for the tests of fencing and of the outbox around the session's lock."""

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.envelope import make_event
from contracts.events import (
    Event,
    MessageQueued,
    SessionConnected,
    SessionCreated,
    SessionPairingStarted,
)
from contracts.events.session import SendPacing
from runtime.consumer import Delivered
from runtime.leases import Leases
from runtime.memory.leases import MemoryLeaseBucket
from services.session.adapters.state_db import open_state_db
from services.session.adapters.whatsapp.simulator import SimulatorPort
from services.session.domain.policies import ReconnectPolicy, SendRetryPolicy
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.owned_sessions import Deps, OwnedSessions
from services.session.service_layer.ownership import Ownership
from services.session.service_layer.session_runtime import SessionRuntime
from tests.support.memory_log import MemoryLog
from tests.support.waiting import eventually

TTL = 0.8
PEER = "201000000001@s.whatsapp.net"


@dataclass
class Taken:
    """A connected session taken by an instance whose leases live in a bucket in memory."""

    port: SimulatorPort
    core: OwnedSessions
    ownership: Ownership
    bucket: MemoryLeaseBucket
    log: MemoryLog
    rt: SessionRuntime

    def slow_sends(self) -> tuple[asyncio.Event, asyncio.Event]:
        """Each send of the client waits for ``done`` (a long upload); ``started`` is set once
        one is out."""
        started, done = asyncio.Event(), asyncio.Event()

        async def uploading(**_: object) -> None:
            started.set()
            await done.wait()

        self.port.clients["s1"].send_text = uploading  # type: ignore[method-assign]
        return started, done

    async def queue(self, message_id: str) -> None:
        """What a send command does: under the session's lock, append the message queued."""
        queued = MessageQueued(message_id=message_id, chat_jid=PEER, text=message_id)
        async with self.rt.lock:
            await self.core.append(self.rt, [queued])

    async def sending(self, started: asyncio.Event) -> None:
        """Until the outbox is in the WhatsApp call (``started`` is set there)."""
        await eventually(lambda: asyncio.sleep(0, started.is_set()), timeout=5, interval=0.01)

    async def fenced(self) -> None:
        """NATS goes away (every renewal fails from now): run renewals until the client stops."""
        self.bucket.reachable = False
        stop = asyncio.Event()
        renewing = asyncio.create_task(self.ownership.run(stop))

        async def stopped() -> bool:
            return self.port.clients["s1"].state == "stopped"

        await eventually(stopped, timeout=5, interval=0.01)
        stop.set()
        await renewing
        assert "s1" not in self.core.runtimes
        # Counted in renewal beats (every TTL/4), not timed: the client was stopped at the
        # third failed renewal at the latest (0.75 TTL after the take; a beat waits at most
        # TTL/8), so before the lease could expire; none was tried after it was stopped.
        assert 1 <= self.bucket.refused <= 3, self.bucket.refused


@pytest.fixture
async def taken(tmp_path: Path) -> AsyncIterator[Taken]:
    port = SimulatorPort(tmp_path)

    async def no_live(*_: object) -> None:
        return None

    log = MemoryLog()
    core = OwnedSessions(
        Deps(
            publisher=log,
            port=port,
            reconnect=ReconnectPolicy(),
            send_retry=SendRetryPolicy(),
            pacing=SendPacing(min_spacing_s=0, jitter_s=0),
            rand=random.random,
            now=lambda: datetime.now(UTC),
            publish_live=no_live,
        )
    )
    lifecycle = Lifecycle(core)
    db = await open_state_db(f"sqlite+aiosqlite:///{tmp_path / 'session.db'}")

    async def caught_up() -> None:
        return None

    bucket = MemoryLeaseBucket(TTL)  # the lease algorithm as it runs, on a bucket in memory
    ownership = Ownership(lifecycle, Leases(bucket, "inst-a"), db, caught_up, ttl_s=TTL)
    port.server.pair("s1", "+201234567890")  # a paired device, connected before the outage
    history: list[Event] = [
        SessionCreated(name="Sales"),
        SessionPairingStarted(method="qr"),
        SessionConnected(phone_number="+201234567890", jid="201234567890:2@s.whatsapp.net"),
    ]
    await db.apply(
        [
            Delivered(n, make_event(ev, tenant="t1", session="s1"))
            for n, ev in enumerate(history, start=1)
        ]
    )
    rt = await ownership.take("s1")  # resumes the connected session with a new client
    assert rt is not None
    await eventually(lambda: asyncio.sleep(0, rt.online.is_set()))
    try:
        yield Taken(port, core, ownership, bucket, log, rt)
    finally:
        await db.close()
