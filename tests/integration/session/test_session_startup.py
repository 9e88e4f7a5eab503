"""Taking sessions: start-up takes every session's lease concurrently (a restart with 1,000
sessions must not pay one round trip after another), and still resumes only what it holds,
from what was written before it took the lease: a session logged out meanwhile is never
connected. Takes of different sessions overlap; two takes of one session never do."""

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

from contracts.envelope import make_event
from contracts.events import Event, SessionConnected, SessionCreated, SessionPairingStarted
from contracts.events.session import SendPacing, SessionDeleted, SessionLoggedOut
from runtime.consumer import Delivered
from services.session.adapters.state_db import SessionStateDb, open_state_db
from services.session.adapters.whatsapp.port import ClientEvents, WhatsAppClient
from services.session.adapters.whatsapp.simulator import SimulatorPort
from services.session.adapters.whatsapp.simulator.client import SimClient
from services.session.domain.policies import ReconnectPolicy, SendRetryPolicy
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.owned_sessions import Deps, OwnedSessions
from services.session.service_layer.ownership import TAKE_CONCURRENCY, Ownership
from tests.support.memory_log import MemoryLog
from tests.support.waiting import eventually

SESSIONS = [f"s{n:02d}" for n in range(20)]
OTHERS = {"s03", "s04"}  # another instance holds their leases
LOGGED_OUT_MEANWHILE = "s05"  # its last holder logged it out, then let the lease go
DELETED = "s06"


class SlowClient(SimClient):
    """A client whose connect waits until the test lets it through."""

    gate: asyncio.Event

    async def connect(self) -> None:
        await self.gate.wait()
        await super().connect()


class SlowPort(SimulatorPort):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.gate = asyncio.Event()

    def new_client(self, *, tenant: str, session: str, events: ClientEvents) -> WhatsAppClient:
        client = SlowClient(session=session, events=events, server=self.server,
                            qr_ttl_s=self.qr_ttl_s, pairing_faults=self.pairing_faults)  # fmt: skip
        client.gate = self.gate
        self.clients[session] = client
        return client


class HeldLeases:
    """Leases that are always this instance's; renewing fails (NATS unreachable)."""

    instance = "inst-a"

    def __init__(self) -> None:
        self.renewals = 0  # attempts to renew, each one failing

    def holds(self, session: str) -> bool:
        return True

    def held(self) -> list[str]:
        return []

    async def owner(self, session: str) -> str | None:
        return self.instance

    async def acquire(self, session: str) -> bool:
        return True

    async def renew(self, session: str) -> bool:
        self.renewals += 1
        raise ConnectionError("NATS unreachable")

    async def release(self, session: str) -> None:
        return None

    def forget(self, session: str) -> None:
        return None


class CountingLeases(HeldLeases):
    """Leases that count how many acquisitions are in flight at once (renewals not used)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = self.peak = self.acquired = 0
        self.renewed: set[str] = set()

    async def acquire(self, session: str) -> bool:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0)  # a round trip: let the others start theirs
        self.in_flight -= 1
        self.acquired += 1
        return session not in OTHERS

    async def renew(self, session: str) -> bool:
        self.renewed.add(session)
        return True


def connected_history(n: int) -> list[Event]:
    phone = f"2012345678{n:02d}"
    return [
        SessionCreated(name="Sales"),
        SessionPairingStarted(method="qr"),
        SessionConnected(phone_number="+" + phone, jid=f"{phone}@s.whatsapp.net"),
    ]


async def write(db: SessionStateDb, seq: int, session: str, events: list[Event]) -> int:
    batch = [Delivered(seq + i, make_event(ev, tenant="t1", session=session))
             for i, ev in enumerate(events, start=1)]  # fmt: skip
    await db.apply(batch)
    return seq + len(events)


def simulated_core(port: SimulatorPort) -> OwnedSessions:
    async def no_live(*_: object) -> None:
        return None

    return OwnedSessions(
        Deps(publisher=MemoryLog(), port=port, reconnect=ReconnectPolicy(),
             send_retry=SendRetryPolicy(), pacing=SendPacing(), rand=random.random,
             now=lambda: datetime.now(UTC), publish_live=no_live)
    )  # fmt: skip


async def paired_sessions(
    tmp_path: Path, port: SimulatorPort, sessions: list[str] = SESSIONS
) -> tuple[SessionStateDb, int]:
    """Every session of ``sessions`` connected before, and DELETED deleted since."""
    db = await open_state_db(f"sqlite+aiosqlite:///{tmp_path / 'session.db'}")
    seq = 0
    for n, session in enumerate(sessions):
        port.server.pair(session, f"+2012345678{n:02d}")
        seq = await write(db, seq, session, connected_history(n))
    return db, await write(db, seq, DELETED, [SessionDeleted()])


async def stop_all(core: OwnedSessions) -> None:
    for rt in core.runtimes.values():
        async with rt.lock:
            await Lifecycle(core).stop_client(rt)


async def test_start_takes_the_leases_at_once_and_resumes_only_what_it_may(
    tmp_path: Path,
) -> None:
    port = SimulatorPort(tmp_path)
    core = simulated_core(port)
    db, seq = await paired_sessions(tmp_path, port)
    leases = CountingLeases()

    async def caught_up() -> None:
        """The previous holder's last event reaches the projection only after the leases
        were asked for: start-up must read the states after taking them."""
        if leases.acquired == len(SESSIONS) - 1:  # every session but the deleted one
            await write(db, seq, LOGGED_OUT_MEANWHILE, [SessionLoggedOut(reason="logout")])

    ownership = Ownership(Lifecycle(core), leases, db, caught_up, ttl_s=15.0)
    await ownership.start()

    resumable = set(SESSIONS) - OTHERS - {LOGGED_OUT_MEANWHILE, DELETED}

    async def all_online() -> bool:
        return all(core.runtimes[s].online.is_set() for s in resumable)

    await eventually(all_online)
    await db.close()
    assert leases.peak > 1  # one after another before
    assert set(core.runtimes) == set(SESSIONS) - OTHERS - {DELETED}
    assert set(port.clients) == resumable  # never a client for the logged-out one
    assert core.runtimes[LOGGED_OUT_MEANWHILE].state.status == "logged_out"
    await stop_all(core)


async def test_takes_of_two_sessions_overlap_and_two_of_one_session_do_not(
    tmp_path: Path,
) -> None:
    port = SimulatorPort(tmp_path)
    core = simulated_core(port)
    db, _ = await paired_sessions(tmp_path, port)
    leases = CountingLeases()

    async def caught_up() -> None:
        return None

    ownership = Ownership(Lifecycle(core), leases, db, caught_up, ttl_s=15.0)
    await asyncio.gather(ownership.take("s00"), ownership.take("s00"))
    assert leases.peak == 1 and port.clients_created == {"s00": 1}
    await asyncio.gather(ownership.take("s01"), ownership.take("s02"))
    assert leases.peak == 2  # each create of 1,000 waited for the one before
    await db.close()
    await stop_all(core)


async def test_every_session_taken_on_start_is_renewed_while_the_clients_start(
    tmp_path: Path,
) -> None:
    """Starting 1,000 clients can outlast a lease: each lease is held (renewed, fenced) from
    the moment it is taken, not from the moment its client gets its turn to start."""
    port = SlowPort(tmp_path)
    core = simulated_core(port)
    many = [f"m{n:03d}" for n in range(TAKE_CONCURRENCY + 6)]  # more than start at once
    db, _ = await paired_sessions(tmp_path, port, many)
    leases = CountingLeases()

    async def caught_up() -> None:
        return None

    ownership = Ownership(Lifecycle(core), leases, db, caught_up, ttl_s=0.4)
    stop = asyncio.Event()
    renewing = asyncio.create_task(ownership.run(stop))
    starting = asyncio.create_task(ownership.start())

    async def all_renewed() -> bool:
        return leases.renewed == set(many)

    await eventually(all_renewed)
    assert not starting.done()  # every client is still waiting to connect
    port.gate.set()
    await starting

    async def all_online() -> bool:
        return all(core.runtimes[s].online.is_set() for s in many)

    await eventually(all_online)
    stop.set()
    await renewing
    await db.close()
    await stop_all(core)
