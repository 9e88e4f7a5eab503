"""The gateway's limits with a real NATS server and no services behind it: the per-key rate
limit (429 with Retry-After), backends that do not answer (503 within the request timeout),
and the body cap (413)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer
from structlog.testing import capture_logs

from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.app import create_app

ADMIN = "adm_limits"
BURST = 4


@dataclass
class Client:
    http: aiohttp.ClientSession
    url: str

    async def call(
        self, method: str, path: str, key: str, **kwargs: Any
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {"Authorization": f"Bearer {key}"}
        async with self.http.request(method, self.url + path, headers=headers, **kwargs) as r:
            return r.status, await r.json(), dict(r.headers)


@pytest.fixture
async def gateway(settings: Settings, bus: Bus) -> AsyncIterator[Client]:
    tuned = msgspec.structs.replace(
        settings,
        admin_token=ADMIN,
        gateway_rate_per_s=0.1,
        gateway_rate_burst=BURST,
        request_timeout_s=0.5,
        gateway_max_body_bytes=1024,
    )
    server = TestServer(create_app(tuned))
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Client(http, str(server.make_url("")).rstrip("/"))
    await server.close()


async def test_each_key_spends_its_own_burst_then_gets_429(gateway: Client) -> None:
    status, created, _ = await gateway.call("POST", "/v1/tenants", ADMIN, json={"name": "a"})
    assert status == 201
    statuses = [(await gateway.call("GET", "/v1/tenants", ADMIN))[0] for _ in range(BURST - 1)]
    assert statuses == [200] * (BURST - 1)
    status, body, headers = await gateway.call("GET", "/v1/tenants", ADMIN)
    assert status == 429 and body["error"] == {
        "code": "rate_limited",
        "message": "too many requests for this key",
        "details": {"retry_after_s": pytest.approx(10.0, abs=1.0)},
    }
    assert int(headers["Retry-After"]) >= 9
    tenant_key = str(created["api_key"])
    assert (await gateway.call("GET", "/v1/events?types=x", tenant_key))[0] == 422  # own bucket
    assert (await gateway.call("GET", "/healthz", ADMIN))[0] == 200  # probes are never limited


async def test_services_that_do_not_answer_are_a_503(gateway: Client) -> None:
    _, created, _ = await gateway.call("POST", "/v1/tenants", ADMIN, json={"name": "a"})
    key = str(created["api_key"])
    for method, path in [
        ("GET", "/v1/sessions"),
        ("POST", "/v1/sessions"),
        ("GET", "/v1/reminders"),
    ]:
        with capture_logs() as logs:
            status, body, _ = await gateway.call(method, path, key, json={"name": "x"})
        assert status == 503, (method, path, body)
        assert body["error"]["code"] == "backend_unavailable"
        seen = [e for e in logs if e["event"] == "gateway.backend_unavailable"]  # for operators
        assert [(e["method"], e["route"]) for e in seen] == [(method, path)], logs
    status, ready, _ = await gateway.call("GET", "/readyz", key)
    assert status == 503 and ready["checks"] == {
        "nats": "ok",
        "session": "down",
        "store": "down",
        "reminder": "down",
        "webhooks": "down",
    }


async def test_a_body_over_the_cap_is_a_413_and_changes_nothing(gateway: Client) -> None:
    status, body, _ = await gateway.call("POST", "/v1/tenants", ADMIN, data=b"x" * 2048)
    assert status == 413 and body["error"]["code"] == "body_too_large"
    _, listed, _ = await gateway.call("GET", "/v1/tenants", ADMIN)
    assert listed["items"] == []
