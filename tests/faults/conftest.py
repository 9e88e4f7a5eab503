"""One stack shared by the fault modules that do not kill anything (flaps, bad input):
sends paced at 4/s, at most 3 reconnects per window, the default per-key rate limit."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from tests.faults.support import MAX_RECONNECTS, http_admin, sim_client, started
from tests.support.http import Api


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def quiet_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    local = await started(
        Path(tmp_path_factory.mktemp("quiet")) / "var",
        WA_RECONNECT_MAX_ATTEMPTS=str(MAX_RECONNECTS),
        WA_SEND_PER_MINUTE="240",
        WA_SEND_BURST="1",
        WA_SEND_MIN_SPACING_S="0.25",
    )
    yield local
    local.stop()
    assert local.permission_violations() == []


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def quiet_nc(quiet_stack: LocalStack) -> AsyncIterator[Client]:
    client = await sim_client(quiet_stack)
    yield client
    await client.close()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def quiet_admin(quiet_stack: LocalStack) -> AsyncIterator[Api]:
    async for api in http_admin(quiet_stack):
        yield api
