"""An instance that cannot renew a session's lease stops its client before the lease can
expire (so no other instance can ever run a second client for it)."""

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

from contracts.envelope import Envelope, make_event
from contracts.events import Event, SessionConnected, SessionCreated, SessionPairingStarted
from contracts.events.session import SendPacing
from runtime.consumer import Delivered
from runtime.leases import Leases
from runtime.memory.leases import MemoryLeaseBucket
from services.session.adapters.state_db import open_state_db
from services.session.adapters.whatsapp.simulator import SimulatorPort
from services.session.domain.policies import ReconnectPolicy, SendRetryPolicy
from services.session.service_layer.core import Deps, SessionCore
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.ownership import Ownership
from tests.support.waiting import eventually

TTL = 0.8


class MemoryLog:
    """An in-memory event log (a real Publisher: it keeps what it is given, in order)."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish(self, envelope: Envelope) -> int:
        self.events.append(envelope)
        return len(self.events)


async def test_a_lease_that_cannot_be_renewed_stops_the_client_in_time(tmp_path: Path) -> None:
    port = SimulatorPort(tmp_path)

    async def no_live(*_: object) -> None:
        return None

    core = SessionCore(
        Deps(
            publisher=MemoryLog(),
            port=port,
            reconnect=ReconnectPolicy(),
            send_retry=SendRetryPolicy(),
            pacing=SendPacing(),
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
    bucket.reachable = False  # NATS goes away: every renewal is LeaseUnavailable from now
    stop = asyncio.Event()
    renewing = asyncio.create_task(ownership.run(stop))

    async def stopped() -> bool:
        return port.clients["s1"].state == "stopped"

    await eventually(stopped, timeout=5, interval=0.01)
    stop.set()
    await renewing
    await db.close()
    assert "s1" not in core.runtimes
    # Counted in renewal beats (every TTL/4), not timed: the client was stopped at the third
    # failed renewal at the latest (0.75 TTL after the take; a beat waits at most TTL/8), so
    # before the lease could expire; none was tried after it was stopped.
    assert 1 <= bucket.refused <= 3, bucket.refused
