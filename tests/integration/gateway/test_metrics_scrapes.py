"""/metrics under parallel scrapes: the store's counts are computed once per TTL, not per scrape.

The real query side of the store (SQLite, its projection fed directly, its query handlers on
NATS), the real gateway over HTTP; the handlers count the stats queries they answer."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer

from contracts.events import SessionCreated
from contracts.queries import GetStats, Query, QueryReply
from runtime.bus import Bus
from runtime.settings import Settings
from runtime.sql.engine import open_engine
from services.gateway.app import create_app
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.adapters.sql_reads import SqlReads
from services.store.bootstrap import WatchedProjection
from services.store.entrypoints.nats_queries import serve_queries
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.queries import QueryHandlers
from tests.integration.store.test_projection import delivered, ev

SCRAPES = 30


class CountingHandlers(QueryHandlers):
    stats_queries = 0

    async def handle(self, query: Query) -> QueryReply:
        if isinstance(query, GetStats):
            self.stats_queries += 1
        return await super().handle(query)


@pytest.fixture
async def store(bus: Bus, tmp_path: Path) -> AsyncIterator[CountingHandlers]:
    engine = open_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    await upgrade(engine)
    watch, sql = PositionWatch(), SqlProjection(engine)
    events = [ev(SessionCreated(name=f"n{n}"), n, session=f"s{n}") for n in (1, 2)]
    await WatchedProjection(sql, watch).apply(delivered(events))
    handlers = CountingHandlers(SqlReads(engine), watch)
    sub = await serve_queries(bus.nc, handlers)
    yield handlers
    await sub.unsubscribe()
    await sql.close()
    await engine.dispose()


@pytest.fixture
async def metrics_url(settings: Settings) -> AsyncIterator[str]:
    tuned = msgspec.structs.replace(settings, gateway_metrics_ttl_s=3600.0)
    server = TestServer(create_app(tuned))
    await server.start_server()
    yield str(server.make_url("/metrics"))
    await server.close()


async def test_parallel_scrapes_ask_the_store_once_and_show_its_figures(
    store: CountingHandlers, metrics_url: str
) -> None:
    async with aiohttp.ClientSession() as http:

        async def scrape() -> str:
            async with http.get(metrics_url) as resp:
                assert resp.status == 200
                return await resp.text()

        pages = await asyncio.gather(*(scrape() for _ in range(SCRAPES)))
        later = await scrape()
    assert store.stats_queries == 1
    for page in [*pages, later]:
        assert 'wa_sessions{status="new"} 2.0' in page
        assert "wa_events_projected 2.0" in page
        assert "wa_metrics_store_up 1.0" in page
