"""Query replicas: three store processes share one database (SQLite on this host, or
PostgreSQL); all answer queries, the holder of the projector lease projects. The projector
is SIGKILLed while events stream in and queries run: another replica takes the projection
over, reads keep being answered meanwhile, the tables end identical to a projection of the
same log that never crashed, and read-your-writes holds on every replica."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import encoded_stream, publish_fast
from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.queries import GetSession, ListSessions, Query, QueryReply, SessionList, SessionView
from contracts.subjects import event_filter
from runtime.bus import Bus
from runtime.consumer import run_consumer
from runtime.rpc import BackendUnavailable
from runtime.sql.engine import open_engine
from services.gateway.adapters.backends import Backends
from services.store.adapters.checksum import table_checksums
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from tests.integration.store.conftest import DbFactory
from tests.integration.store.replicas import StoreReplicas
from tests.support.waiting import eventually

LEASE_TTL_S = 3.0
EVENTS = {"sqlite": 6000, "postgresql": 3000}
CHUNKS, KILL_AFTER = 10, 4  # the log arrives in chunks; the projector dies in the 5th
READERS = 4  # concurrent reading loops


@pytest.fixture
async def db_urls(new_db_url: DbFactory) -> tuple[str, str]:
    return await new_db_url(), await new_db_url()


@pytest.fixture
async def replicas(tmp_path: Path, db_urls: tuple[str, str]) -> AsyncIterator[StoreReplicas]:
    deployed = StoreReplicas(tmp_path, db_urls[0], 3, LEASE_TTL_S)
    try:
        yield deployed
    finally:
        await deployed.stop()


class Reads:
    """Queries as the gateway asks them; a query lost with the replica that had it (in
    flight when it died) is asked again and counted."""

    def __init__(self, bus: Bus, timeout: float) -> None:
        self.backends = Backends(bus.nc, timeout=timeout)
        self.answered = self.lost = 0

    async def ask(self, query: Query) -> QueryReply:
        for _ in range(3):
            try:
                reply = await self.backends.query(query)
            except BackendUnavailable:
                self.lost += 1
                continue
            self.answered += 1
            return reply
        raise AssertionError(f"no replica answered {query!r}")

    async def read_your_write(self, bus: Bus, n: int) -> None:
        """Create a session, then read it at once with its sequence: never not_found."""
        event = make_event(SessionCreated(name="ryw"), tenant="ryw", session=f"r{n}")
        sequence = await bus.publisher.publish(event)
        query = GetSession(tenant="ryw", session=f"r{n}", min_sequence=sequence, wait_ms=10_000)
        reply = await self.ask(query)
        assert isinstance(reply, SessionView) and reply.id == f"r{n}", reply

    async def keep_reading(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            reply = await self.ask(ListSessions(tenant="t0"))
            assert isinstance(reply, SessionList), reply


async def test_the_projector_dies_under_load_and_a_reader_takes_over(
    replicas: StoreReplicas, db_urls: tuple[str, str]
) -> None:
    bus = await replicas.start()
    stream = encoded_stream(EVENTS[db_urls[0].split("+", 1)[0]])
    step = len(stream) // CHUNKS
    chunks = [stream[i : i + step] for i in range(0, len(stream), step)]
    reads = Reads(bus, timeout=12.0)  # read-your-writes probes: they may wait for a takeover
    load = Reads(bus, timeout=2.0)  # reads that do not wait: a lost one is asked again soon
    await eventually(lambda: _answering(replicas, 3), timeout=60)
    first = await eventually(replicas.projector, timeout=30)
    assert first is not None
    reference = _Reference(bus, db_urls[1])
    await reference.start()
    stop_reading = asyncio.Event()
    reading = asyncio.gather(*(load.keep_reading(stop_reading) for _ in range(READERS)))
    spread: dict[str, int] = {}
    try:
        for n, chunk in enumerate(chunks):
            await publish_fast(bus.js, chunk)
            if n == KILL_AFTER:  # while it projects this chunk
                spread = await asyncio.to_thread(replicas.answered)
                replicas.replicas[first].kill()
                await eventually(lambda: _gone(replicas, first), timeout=10)
                # Asked while the dead projector's lease still stands (3/4 of the TTL at least):
                # nobody projects, yet the others answer (no min_sequence: no wait).
                assert isinstance(await load.ask(ListSessions(tenant="t1")), SessionList)
                assert await replicas.projector() == first
            await reads.read_your_write(bus, n)
        second = await eventually(lambda: _moved_from(replicas, first), timeout=30)
        assert second is not None and second != first and replicas.replicas[second].alive
        replicas.replicas[first].start()  # as a supervisor would: it comes back as a reader
        await eventually(lambda: _answering(replicas, 3), timeout=60)
        stop_reading.set()
        await reading
        await _read_your_writes_on_every_replica(replicas, reads, bus, start=len(chunks))
        last = await bus.js.stream_info("WA_EVENTS")
        await reference.reached(last.state.last_seq)
        projected = open_engine(db_urls[0], read_only=True)
        try:
            await eventually(lambda: _at(projected, last.state.last_seq), timeout=60)
            assert await table_checksums(projected) == await table_checksums(reference.engine)
        finally:
            await projected.dispose()
        assert await replicas.projector() == second
        # only what was in flight to the killed replica
        assert reads.lost + load.lost <= READERS + 1, (reads.lost, load.lost)
        assert replicas.permission_violations() == []
        print(
            f"\nstore replicas: {len(stream)} events, projector {first} killed, {second} took"
            f" over; queries per replica when it died {spread}; {reads.answered + load.answered}"
            f" answered, {reads.lost + load.lost} lost in flight and asked again"
        )
    finally:
        stop_reading.set()
        with contextlib.suppress(Exception):
            await reading
        await reference.stop()


async def _read_your_writes_on_every_replica(
    replicas: StoreReplicas, reads: Reads, bus: Bus, start: int
) -> None:
    """Read-your-writes probes only, until each live replica has answered some (the queue
    group picks at random): every probe must see its own write."""
    before = await asyncio.to_thread(replicas.answered)
    n = start

    async def each_answered() -> bool:
        nonlocal n
        n += 1
        await reads.read_your_write(bus, n)
        now = await asyncio.to_thread(replicas.answered)
        return all(now.get(label, 0) > before.get(label, 0) for label in replicas.replicas)

    await eventually(each_answered, timeout=60, interval=0)


async def _gone(replicas: StoreReplicas, label: str) -> bool:
    """The server has dropped the killed replica's connection: no query goes to it."""
    return label not in await asyncio.to_thread(replicas.answered)


async def _answering(replicas: StoreReplicas, count: int) -> bool:
    return len(await asyncio.to_thread(replicas.answered)) >= count


async def _moved_from(replicas: StoreReplicas, first: str) -> str | None:
    holder = await replicas.projector()
    return holder if holder not in (None, first) else None


async def _at(engine: AsyncEngine, position: int) -> bool:
    try:
        return await SqlProjection(engine).position() >= position
    except Exception:
        return False


class _Reference:
    """The same log projected in this process by a projection that never crashes."""

    def __init__(self, bus: Bus, url: str) -> None:
        self.bus, self.engine = bus, open_engine(url)
        self.projection = SqlProjection(self.engine)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await upgrade(self.engine)
        self._task = asyncio.create_task(
            run_consumer(
                self.bus.js,
                self.projection,
                durable="reference",
                filters=[event_filter()],
                stop=self._stop,
                batch_size=1000,
            )
        )

    async def reached(self, position: int) -> None:
        await eventually(lambda: _at(self.engine, position), timeout=60)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
        await self.projection.close()
        await self.engine.dispose()
