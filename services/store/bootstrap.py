"""Wires a store replica: every replica answers queries (one NATS queue group) from a
read-only engine; the one holding the projector lease also migrates and projects. The
others follow the projector's position as recorded in the database, so read-your-writes
holds on every replica."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.ids import new_id
from contracts.subjects import event_filter
from runtime.bus import Bus, open_bus
from runtime.consumer import Delivered, run_consumer
from runtime.leadership import Leadership, Work, lead_when_elected
from runtime.logging import get_logger
from runtime.rpc import serve_ping
from runtime.settings import Settings
from runtime.sql.engine import open_engine
from services.store.adapters.announcements import Announcer, hear_announcements
from services.store.adapters.migrate import at_head, upgrade
from services.store.adapters.projection import SqlProjection, read_position
from services.store.adapters.projector_lease import projector_lease
from services.store.adapters.sql_reads import SqlReads
from services.store.entrypoints.nats_queries import serve_queries
from services.store.service_layer.following import POLL_S, PositionFollower
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.queries import QueryHandlers

__all__ = ["DURABLE", "WatchedProjection", "run"]

DURABLE = "store"
log = get_logger("store")


class WatchedProjection:
    """The SQL projection, announcing each committed position to waiting queries (this
    replica's, and through ``announce`` the other replicas')."""

    def __init__(
        self,
        projection: SqlProjection,
        watch: PositionWatch,
        announce: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._projection = projection
        self._watch = watch
        self._announce = announce
        self.in_flight = projection.in_flight  # applies end in order: the watch only advances

    async def position(self) -> int:
        value = await self._projection.position()
        await self._watch.advance(value)
        return value

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        return self._projection.prepare(batch)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        await self._projection.apply(batch)
        touched = {(d.event.tenant, d.event.session) for d in batch}
        await self._watch.advance(batch[-1].sequence, touched)
        if self._announce is not None:
            await self._announce(batch[-1].sequence)


async def _migrate(url: str) -> None:
    engine = open_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _schema_ready(
    url: str, lease: Leadership, reader: AsyncEngine, stop: asyncio.Event
) -> None:
    """Migrate if this replica holds the lease (one migrates at a time), else wait until the
    lease holder has: a replica answers queries only on the newest schema."""
    while not stop.is_set():
        if await lease.acquire():
            await _migrate(url)
            return
        if await at_head(reader):
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=POLL_S * 4)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    url = settings.db_url("store")
    instance = settings.instance_id or new_id()  # the lease's value: who projects
    bus = await open_bus(settings, f"store-{instance}", user="store")
    lease = await projector_lease(bus.js, instance, settings.lease_ttl_s, settings.stream_replicas)
    reader = open_engine(url, read_only=True)
    await _schema_ready(url, lease, reader, stop)
    if stop.is_set():  # stopped before the schema was there: nothing to serve
        await lease.release()
        await bus.close()
        await reader.dispose()
        return
    watch = PositionWatch(settings.store_reply_cache_mb * 1024 * 1024)

    async def recorded() -> int:
        async with reader.connect() as conn:
            return await read_position(conn)

    follower = PositionFollower(watch, recorded)
    await watch.advance(await recorded())
    log.info("store.position", position=watch.position)
    following = asyncio.create_task(follower.run())
    await hear_announcements(bus.nc, follower.announced)
    queries = QueryHandlers(SqlReads(reader), watch)
    await serve_queries(bus.nc, queries)
    await serve_ping(bus.nc, "store")
    try:
        await lead_when_elected(
            lease, _projecting(settings, bus, watch), stop, ttl_s=settings.lease_ttl_s, name="store"
        )
    finally:
        following.cancel()
        await bus.close()
        await queries.close()
        await reader.dispose()


def _projecting(settings: Settings, bus: Bus, watch: PositionWatch) -> Work:
    async def project(term: asyncio.Event) -> None:
        """One term as the projector: migrate (a no-op unless a newer version leads), then
        consume until the term ends. Events the last projector applied are skipped. The
        reply cache serves during the term only (see PositionWatch.lead)."""
        url = settings.db_url("store")
        await _migrate(url)
        engine = open_engine(url)
        sql = SqlProjection(engine)
        projection = WatchedProjection(sql, watch, Announcer(bus.nc))
        watch.lead()  # this replica's batches alone move the position now: replies cached
        ending = asyncio.create_task(term.wait())  # stop caching the moment the term ends
        ending.add_done_callback(lambda done: None if done.cancelled() else watch.follow())
        try:
            log.info("store.projecting", position=await projection.position())
            await run_consumer(
                bus.js,
                projection,
                durable=DURABLE,
                filters=[event_filter()],
                stop=term,
                batch_size=sql.batch_size,
                # Every batch is guarded by the recorded position (exactly once without the
                # server's acknowledgements): nats-server spent 0.9 us less an event without
                # them (bench.store_projection's code, 100,000 message.received).
                acknowledge=False,
            )
        finally:
            ending.cancel()
            watch.follow()  # before another replica's batches can land: nothing cached
            await sql.close()
            await engine.dispose()

    return project
