"""Wires the store: database (migrated), projection consumer, query entry point."""

import asyncio
from collections.abc import Sequence

from contracts.subjects import event_filter
from runtime.bus import open_bus
from runtime.consumer import Delivered, run_consumer
from runtime.logging import get_logger
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.store.adapters.database import open_engine
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.entrypoints.nats_queries import serve_queries
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.queries import QueryHandlers

__all__ = ["DURABLE", "WatchedProjection", "run"]

DURABLE = "store"
BATCH_SIZE = 1000
log = get_logger("store")


class WatchedProjection:
    """The SQL projection, announcing each committed position to waiting queries."""

    def __init__(self, projection: SqlProjection, watch: PositionWatch) -> None:
        self._projection = projection
        self._watch = watch
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


async def run(settings: Settings, stop: asyncio.Event) -> None:
    engine = open_engine(settings.db_url("store"))
    await upgrade(engine)
    bus = await open_bus(settings, "store")
    watch = PositionWatch(settings.store_reply_cache_mb * 1024 * 1024)
    sql = SqlProjection(engine)
    projection = WatchedProjection(sql, watch)
    log.info("store.position", position=await projection.position())
    queries = QueryHandlers(engine, watch)
    await serve_queries(bus.nc, queries)
    await serve_ping(bus.nc, "store")
    await run_consumer(
        bus.js,
        projection,
        durable=DURABLE,
        filters=[event_filter()],
        stop=stop,
        batch_size=BATCH_SIZE,
    )
    await bus.close()
    await sql.close()
    await queries.close()
    await engine.dispose()
