"""Wires the store: database, projection consumer, query entry point."""

import asyncio
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from contracts.subjects import event_filter
from runtime.bus import open_bus
from runtime.consumer import Delivered, run_consumer
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.store.adapters.projection import SqlProjection
from services.store.adapters.tables import metadata
from services.store.entrypoints.nats_queries import serve_queries
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.queries import QueryHandlers


class WatchedProjection:
    """The SQL projection, announcing each committed position to waiting queries."""

    def __init__(self, projection: SqlProjection, watch: PositionWatch) -> None:
        self._projection = projection
        self._watch = watch

    async def position(self) -> int:
        value = await self._projection.position()
        await self._watch.advance(value)
        return value

    async def apply(self, batch: Sequence[Delivered]) -> None:
        await self._projection.apply(batch)
        await self._watch.advance(batch[-1].sequence)


async def open_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return engine


async def run(settings: Settings, stop: asyncio.Event) -> None:
    bus = await open_bus(settings, "store")
    engine = await open_engine(settings.db_url("store"))
    watch = PositionWatch()
    await serve_queries(bus.nc, QueryHandlers(engine, watch))
    await serve_ping(bus.nc, "store")
    projection = WatchedProjection(SqlProjection(engine), watch)
    await run_consumer(bus.js, projection, durable="store", filters=[event_filter()], stop=stop)
    await bus.close()
    await engine.dispose()
