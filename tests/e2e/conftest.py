"""The whole stack as processes (embedded NATS, four services), driven through HTTP."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cli.stack import LocalStack
from tests.support.http import Api


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[LocalStack]:
    local = LocalStack(tmp_path / "var", env={"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json"})
    await local.start()
    yield local
    local.stop()
    assert local.permission_violations() == []


@pytest.fixture
async def admin(stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        yield Api(http, stack.url, stack.admin_token)


@pytest.fixture
async def tenant(admin: Api) -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": "acme"})
    assert status == 201, body
    return admin.as_key(body["api_key"])
