"""One stack shared by the fault modules that do not kill anything (flaps, bad input):
sends paced at 4/s, at most 3 reconnects per window, the default per-key rate limit.

And, for the modules that kill things (each defines its own module-scoped ``stack``): the
simulator's client, a webhook receiver and a tenant on that stack, one each per module."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from tests.faults.receiver import WebhookReceiver
from tests.faults.support import MAX_RECONNECTS, http_admin, new_tenant, running, sim_client
from tests.support.http import Api


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def quiet_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    env = {
        "WA_RECONNECT_MAX_ATTEMPTS": str(MAX_RECONNECTS),
        "WA_SEND_PER_MINUTE": "240",
        "WA_SEND_BURST": "1",
        "WA_SEND_MIN_SPACING_S": "0.25",
    }
    async with running(Path(tmp_path_factory.mktemp("quiet")) / "var", env) as local:
        yield local


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def quiet_nc(quiet_stack: LocalStack) -> AsyncIterator[Client]:
    client = await sim_client(quiet_stack)
    yield client
    await client.close()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def quiet_admin(quiet_stack: LocalStack) -> AsyncIterator[Api]:
    async for api in http_admin(quiet_stack):
        yield api


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def nc(stack: LocalStack) -> AsyncIterator[Client]:
    client = await sim_client(stack)
    yield client
    await client.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hooks() -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    await receiver.start()
    yield receiver
    await receiver.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(stack: LocalStack, request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    """A tenant named after the module (``crashes``, ``supervised_crashes``)."""
    name = request.module.__name__.rpartition(".")[2].removeprefix("test_")
    async for admin in http_admin(stack):
        yield await new_tenant(admin, name)
