"""The gateway's limits against the running stack: per-key rate limit (429 with Retry-After)
and a backend that does not answer (503 within the request timeout, never a hang or a 500)."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from cli.stack import LocalStack
from tests.support.http import Api

pytestmark = pytest.mark.asyncio(loop_scope="module")
BURST = 5


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    env = {
        "PATH": "/usr/bin:/bin",
        "WA_LOG_FORMAT": "json",
        "WA_GATEWAY_RATE_PER_S": "0.2",
        "WA_GATEWAY_RATE_BURST": str(BURST),
        "WA_REQUEST_TIMEOUT_S": "1",
    }
    local = LocalStack(Path(tmp_path_factory.mktemp("limits")) / "var", env=env)
    await local.start(timeout=90)
    yield local
    local.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        yield Api(http, stack.url, stack.admin_token)


async def new_tenant(admin: Api) -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": "limited"})
    assert status == 201, body
    return admin.as_key(body["api_key"])


async def test_each_key_gets_its_burst_then_429_with_retry_after(admin: Api) -> None:
    first, second = await new_tenant(admin), await new_tenant(admin)
    statuses = [(await first.call("GET", "/v1/sessions"))[0] for _ in range(BURST)]
    assert statuses == [200] * BURST
    async with first.http.get(
        first.base + "/v1/sessions", headers={"Authorization": f"Bearer {first.key}"}
    ) as resp:
        body = await resp.json()
        assert resp.status == 429 and body["error"]["code"] == "rate_limited"
        assert int(resp.headers["Retry-After"]) >= 1
    assert (await second.call("GET", "/v1/sessions"))[0] == 200  # another key: its own bucket
    assert (await first.call("GET", "/healthz"))[0] == 200  # unauthenticated probes: not limited


async def test_a_backend_that_does_not_answer_is_a_503(admin: Api, stack: LocalStack) -> None:
    api = await new_tenant(admin)
    status, created = await api.call("POST", "/v1/sessions", json={"name": "before"})
    assert status == 201
    stack.kill("store")
    status, body = await api.call("GET", "/v1/sessions")
    assert status == 503 and body["error"]["code"] == "backend_unavailable"
    status, body = await api.call("GET", f"/v1/sessions/{created['id']}/messages")
    assert status == 503
    stack.kill("session")
    status, body = await api.call("POST", "/v1/sessions", json={"name": "after"})
    assert status == 503 and body["error"]["code"] == "backend_unavailable"
    status, ready = await api.call("GET", "/readyz")
    assert status == 503 and ready["checks"]["store"] == ready["checks"]["session"] == "down"
