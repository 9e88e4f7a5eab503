"""Session ownership across replicas on a real 3-node NATS cluster: two session-service
instances share the sessions through leases (NATS KV, TTL, compare-and-set). One instance and
one NATS node (the lease bucket's leader) are SIGKILLed together. Throughout, every session
has at most one live client, always on the instance holding its lease; after the lease TTL the
survivor takes every orphaned session over and reconnects it; no event is lost or reordered
and the store has every session and message."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from contracts.envelope import Envelope
from contracts.events import MessageReceived
from contracts.subjects import EVENTS_STREAM
from tests.integration.cluster.deployment import Deployment
from tests.integration.cluster.observer import LEASE_BUCKET, OwnershipObserver, Sample
from tests.integration.cluster.scenario import Scenario
from tests.support.waiting import eventually

LEASE_TTL_S = 4.0
A, B = "session-a", "session-b"
PER_INSTANCE, BEFORE, DURING = 3, 3, 2  # sessions each; messages before / during the takeover


@pytest.fixture
async def deployment(tmp_path: Path) -> AsyncIterator[Deployment]:
    deployed = Deployment(tmp_path, [A, B], LEASE_TTL_S)
    try:
        yield deployed
    finally:
        await deployed.stop()


async def test_the_survivor_takes_every_session_over(deployment: Deployment) -> None:
    bus = await deployment.start()
    play = Scenario(bus)
    observer = OwnershipObserver(bus.nc, deployment.sessions, [])
    # Commands reach either instance (one queue group); create until each leases enough.
    while True:
        observer.sessions.append(await play.create())
        owners = list((await observer.lease_owners()).values())
        if min(owners.count(A), owners.count(B)) >= PER_INSTANCE or len(owners) >= 16:
            break
    sessions = observer.sessions
    for session in sessions:
        await play.pair(session)
        for _ in range(BEFORE):
            await play.incoming(session, live=True)
    owned_by_a = [s for s, owner in (await observer.lease_owners()).items() if owner == A]

    stop = asyncio.Event()
    watching = asyncio.create_task(observer.run(stop))
    await eventually(lambda: _samples(observer, 10), timeout=10)
    bucket = (await bus.js.stream_info(f"KV_{LEASE_BUCKET}")).cluster
    assert bucket is not None and bucket.leader
    connected_before = {s: _connects(await play.events(s)) for s in sessions}
    killed_at, killed_wall = asyncio.get_running_loop().time(), time.time()
    deployment.sessions[0].kill()
    observer.instance_died(A)
    deployment.cluster.kill(bucket.leader)  # the lease bucket's leader: the worst node to lose
    for session in sessions:  # a session without a live client keeps them for its next client
        for _ in range(DURING):
            reply = await play.incoming(session, live=False)
            assert reply.ok and reply.error is None, reply

    def all_on_b(sample: Sample) -> bool:
        return sample.owners is not None and all(
            sample.owners[s] == B and sample.logged[s] == {B} and sample.online[s] == {B}
            for s in sessions
        )

    found = await eventually(lambda: _first(observer, killed_at, all_on_b), timeout=45)
    assert found is not None
    taken = found
    await eventually(lambda: _all_received(play), timeout=30, interval=0.2)
    enough = len(_answered(observer.samples)) + 20  # keep watching a while after the takeover
    await eventually(lambda: _answers(observer, enough), timeout=20)
    stop.set()
    await watching

    # Ownership: never two live clients, never a client without its lease; one owner before
    # the kill and after the takeover, and the survivor's simulator has every client online.
    violations = observer.violations(origin=killed_at)
    assert not violations, "ownership broken:\n" + "\n".join(violations)
    before = [s for s in observer.samples if s.at < killed_at and not s.silent]
    assert before and all(
        len(s.logged[x]) == len(s.online[x]) == 1 for s in before for x in sessions
    )
    # A sample the bucket or B's simulator did not answer in time (a busy machine) tells
    # nothing about ownership; every answered one after the takeover must show it all on B.
    after = [s for s in _answered(observer.samples) if s.at >= taken.at]
    assert len(after) >= 20
    moved = [s for s in after if not all_on_b(s)]
    assert not moved, f"ownership moved after the takeover: {moved[0]}"
    for session in sessions:
        assert (await play.driver.sent(session)).connected

    # The log: each session's story complete and in order, one session.connected per client
    # started (so none started unrecorded, and no reconnect loop).
    reconnected_at: list[float] = []
    for session in sessions:
        events = await play.events(session)
        types = [e.type for e in events]
        assert types[:3] == ["session.created", "session.pairing_started", "session.connected"]
        assert not {"session.disconnected", "session.logged_out"} & set(types), types
        received = [e.payload.message_id for e in events if isinstance(e.payload, MessageReceived)]
        assert received == play.sent[session], "lost, doubled or reordered messages"
        connects = [
            e.occurred_at.timestamp() - killed_wall for e in events if e.type == "session.connected"
        ]
        assert len(connects) == _clients_started(deployment, session), types
        if session in owned_by_a:  # counted, not timed: one more connect than before the kill
            assert len(connects) > connected_before[session] >= 1, "not reconnected after the kill"
        reconnected_at.append(connects[-1])

    # The store: every session connected, every message there.
    last_sequence = (await bus.js.stream_info(EVENTS_STREAM)).state.last_seq
    for session in sessions:
        status, stored = await play.store_view(session, last_sequence)
        assert (status, stored) == ("connected", sorted(play.sent[session]))

    takeover_s = max(reconnected_at)
    retaken = sum(
        1 for s in sessions if s not in owned_by_a and _clients_started(deployment, s) > 1
    )
    print(  # the figure the issue asks for (pytest -s shows it)
        f"\ntakeover (lease TTL {LEASE_TTL_S:.0f} s, instance {A} and NATS node {bucket.leader}"
        f" SIGKILLed): {len(owned_by_a)} orphaned sessions reconnected on {B} within"
        f" {takeover_s:.2f} s; every session owned and live on {B} (first sample)"
        f" {taken.at - killed_at:.2f} s after the kill; {retaken} of {B}'s own"
        f" {len(sessions) - len(owned_by_a)} sessions were fenced and taken back while the bucket"
        f" had no leader; {len(observer.samples)} samples, "
        f"{sum(s.owners is None for s in observer.samples)} without an answer from the bucket"
    )
    # No timing bound on the takeover: that B never ran a client for a session whose lease
    # was still A's is the ownership check above (samples ordered by the observer).


def _connects(events: list[Envelope]) -> int:
    return sum(1 for e in events if e.type == "session.connected")


def _clients_started(deployment: Deployment, session: str) -> int:
    return sum(
        1
        for process in deployment.sessions
        for line in process.all_lines()
        if line.get("event") == "whatsapp.new_client" and line.get("session") == session
    )


async def _samples(observer: OwnershipObserver, count: int) -> bool:
    return len(observer.samples) >= count


def _answered(samples: list[Sample]) -> list[Sample]:
    return [s for s in samples if s.owners is not None and not s.silent]


async def _answers(observer: OwnershipObserver, count: int) -> bool:
    return len(_answered(observer.samples)) >= count


async def _first(
    observer: OwnershipObserver, after: float, condition: Callable[[Sample], bool]
) -> Sample | None:
    return observer.first(after, condition)


async def _all_received(play: Scenario) -> bool:
    for session, sent in play.sent.items():
        got = [e for e in await play.events(session) if isinstance(e.payload, MessageReceived)]
        if len(got) < len(sent):
            return False
    return True
