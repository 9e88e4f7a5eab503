"""Opening and closing many /v1/events streams leaves nothing behind in the gateway: no
registry entry, NATS subscription, JetStream consumer or task, and nothing that waits for
the cyclic garbage collector (the services run it rarely: runtime.service.tune_gc)."""

import asyncio
import gc
from collections.abc import AsyncIterator

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer
from nats.aio.subscription import Subscription

from contracts.subjects import EVENTS_STREAM
from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.app import create_app
from services.gateway.http.keys import BACKENDS, STREAMS
from tests.integration.gateway.sse_client import SseReader
from tests.support.waiting import eventually

ADMIN = "adm_cleanup"
STREAMS_OPENED = 40


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[TestServer]:
    # No heartbeats during the test: what ends each stream is its client leaving.
    tuned = msgspec.structs.replace(settings, admin_token=ADMIN, gateway_sse_heartbeat_s=3600.0)
    started = TestServer(create_app(tuned))
    await started.start_server()
    yield started
    await started.close()


def _subscriptions_in_memory() -> int:
    return sum(isinstance(o, Subscription) for o in gc.get_objects())


async def test_closed_streams_leave_nothing_behind(server: TestServer, bus: Bus) -> None:
    app = server.app
    url = str(server.make_url("/v1/events"))

    async def consumers() -> int:
        return int((await bus.js.stream_info(EVENTS_STREAM)).state.consumer_count)

    async with aiohttp.ClientSession() as http:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        tenants = str(server.make_url("/v1/tenants"))
        async with http.post(tenants, json={"name": "c"}, headers=admin) as resp:
            key = (await resp.json())["api_key"]
        headers = {"Authorization": f"Bearer {key}"}

        async def open_and_close() -> None:
            async with http.get(url, headers=headers) as resp:
                assert resp.status == 200
                await SseReader(resp).until_comment("connected")

        async def live() -> tuple[int, int, int]:
            return len(app[BACKENDS].nc._subs), await consumers(), len(asyncio.all_tasks())

        idle = (await live())[:2]
        await open_and_close()  # a first stream warms up what is made once

        async def idle_again() -> bool:
            return (await live())[:2] == idle

        await eventually(idle_again)
        baseline = await live()
        gc.collect()
        gc.disable()  # from here, only reference counting frees anything
        try:
            in_memory = _subscriptions_in_memory()
            await asyncio.gather(*(open_and_close() for _ in range(STREAMS_OPENED)))

            async def back_to_baseline() -> bool:
                return await live() == baseline

            await eventually(back_to_baseline)
            assert _subscriptions_in_memory() == in_memory
            assert len(app[STREAMS]) == 0
        finally:
            gc.enable()
