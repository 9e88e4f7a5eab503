"""The whole stack as processes (embedded NATS, five services), driven through HTTP: one
stack per test (``stack``, with ``stack_env``), or the package's shared one (``shared_*``, for
the modules that call ``on_the_shared_stack()``; see tests/support/stacks.py)."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from tests.integration.webhooks.receiver import Receiver
from tests.support.http import Api
from tests.support.stacks import SHARED_ENV, running_stack


@pytest.fixture
def stack_env() -> dict[str, str]:
    """Settings a module adds to the stack's environment: override it, or parametrize it."""
    return {}


@pytest.fixture
async def stack(tmp_path: Path, stack_env: dict[str, str]) -> AsyncIterator[LocalStack]:
    async with running_stack(tmp_path / "var", stack_env) as local:
        yield local


@pytest.fixture
async def admin(stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        yield Api(http, stack.url, stack.admin_token)


@pytest.fixture
async def tenant(admin: Api) -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": "acme"})
    assert status == 201, body
    return admin.as_key(body["api_key"])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    await rec.start()
    yield rec
    await rec.stop()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    data_dir = tmp_path_factory.mktemp("shared") / "var"
    async with running_stack(data_dir, SHARED_ENV) as local:
        yield local


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def shared_admin(shared_stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        yield Api(http, shared_stack.url, shared_stack.admin_token)


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def shared_sim(shared_stack: LocalStack) -> AsyncIterator[Client]:
    nc = await shared_stack.connect_operator()
    yield nc
    await nc.close()
