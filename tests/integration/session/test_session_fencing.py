"""An instance that cannot renew a session's lease stops its client before the lease can
expire (so no other instance can ever run a second client for it)."""

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.envelope import Envelope, make_event
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
from tests.support.waiting import eventually

TTL = 0.8


class MemoryLog:
    """An in-memory event log (a real Publisher: it keeps what it is given, in order)."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish(self, envelope: Envelope) -> int:
        self.events.append(envelope)
        return len(self.events)


@dataclass
class Taken:
    """A connected session taken by an instance whose leases live in a bucket in memory."""

    port: SimulatorPort
    core: OwnedSessions
    ownership: Ownership
    bucket: MemoryLeaseBucket
    log: MemoryLog
    rt: SessionRuntime

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


async def test_a_lease_that_cannot_be_renewed_stops_the_client_in_time(taken: Taken) -> None:
    await taken.fenced()


async def test_the_fence_abandons_a_send_under_way_rather_than_wait_for_it(
    taken: Taken,
) -> None:
    """A send holds the session's lock while WhatsApp takes it (a large file's upload); the
    fence does not wait for it, or the lease could expire with this client connected. The
    message stays queued in the log (no outcome from here) for the next owner."""
    sending = asyncio.Event()

    async def uploading_for_ever(**_: object) -> None:
        sending.set()
        await asyncio.Event().wait()

    client = taken.port.clients["s1"]
    client.send_text = uploading_for_ever  # type: ignore[method-assign]
    queued = MessageQueued(message_id="m1", chat_jid="201000000001@s.whatsapp.net", text="hi")
    async with taken.rt.lock:
        await taken.core.append(taken.rt, [queued])
    await eventually(lambda: asyncio.sleep(0, sending.is_set()), timeout=5, interval=0.01)
    assert taken.rt.lock.locked()  # the send holds it
    await taken.fenced()
    logged = [e.type for e in taken.log.events]
    assert logged[-1] == "message.queued", logged  # no outcome from here, nothing after
