"""The whole stack as processes (embedded NATS, the five services), driven through HTTP."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cli.stack import LocalStack
from tests.integration.webhooks.receiver import Receiver
from tests.support.http import Api
from tests.support.stacks import running_stack


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
