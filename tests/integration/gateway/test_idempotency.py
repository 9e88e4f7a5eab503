"""Idempotency-Key through real HTTP on a real NATS server, on the admin routes (tenants and
keys live in NATS KV, so no other service is needed): one effect per key, across two gateway
instances, after a restart, and under concurrent repeats."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer

from runtime.settings import Settings
from services.gateway.app import create_app

ADMIN = "adm_idempotency"


@asynccontextmanager
async def gateway(settings: Settings) -> AsyncIterator[str]:
    """One gateway instance on the test's NATS server; its base URL."""
    server = TestServer(create_app(msgspec.structs.replace(settings, admin_token=ADMIN)))
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, url: str, body: Any = None, key: str | None = None, **kw: Any
) -> tuple[int, Any, dict[str, str]]:
    headers = {"Authorization": f"Bearer {kw.get('token', ADMIN)}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    async with http.post(url, json=body, headers=headers) as resp:
        return resp.status, await resp.json(), dict(resp.headers)


async def tenants_named(http: aiohttp.ClientSession, url: str, name: str) -> list[str]:
    headers = {"Authorization": f"Bearer {ADMIN}"}
    async with http.get(url + "/v1/tenants", headers=headers) as resp:
        return [t["id"] for t in (await resp.json())["items"] if t["name"] == name]


async def test_a_repeat_gets_the_first_answer_and_makes_no_second_tenant(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with gateway(settings) as url:
        status, first, headers = await post(http, url + "/v1/tenants", {"name": "acme"}, "k-1")
        assert status == 201 and "Idempotent-Replayed" not in headers
        status, again, headers = await post(http, url + "/v1/tenants", {"name": "acme"}, "k-1")
        assert (status, again, headers["Idempotent-Replayed"]) == (201, first, "true")
        assert await tenants_named(http, url, "acme") == [first["id"]]

        status, body, _ = await post(http, url + "/v1/tenants", {"name": "other"}, "k-1")
        assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
        status, _, _ = await post(http, url + "/v1/tenants", {"name": "acme"}, "k-2")
        assert status == 201 and len(await tenants_named(http, url, "acme")) == 2  # a new key


@pytest.mark.parametrize("keys", [[""], ["x" * 256], ["caf\u00e9"], ["k-1", "k-2"]])
async def test_a_malformed_key_is_a_400_and_changes_nothing(
    settings: Settings, http: aiohttp.ClientSession, keys: list[str]
) -> None:
    async with gateway(settings) as url:
        headers = [("Authorization", f"Bearer {ADMIN}")] + [("Idempotency-Key", k) for k in keys]
        async with http.post(url + "/v1/tenants", json={"name": "bad"}, headers=headers) as resp:
            status, body = resp.status, await resp.json()
        assert status == 400 and body["error"]["code"] == "invalid_idempotency_key", body
        assert body["error"]["details"] == {"header": "Idempotency-Key"}
        assert await tenants_named(http, url, "bad") == []


async def test_two_gateways_share_the_record_and_a_restart_keeps_it(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with gateway(settings) as a:
        status, created, _ = await post(http, a + "/v1/tenants", {"name": "shared"}, "k-1")
        assert status == 201
        rotate = f"/v1/tenants/{created['id']}/keys"
        status, rotated, _ = await post(http, a + rotate, key="rot-1")
        assert status == 201 and rotated["api_key"] != created["api_key"]
        async with gateway(settings) as b:
            status, again, headers = await post(http, b + "/v1/tenants", {"name": "shared"}, "k-1")
            assert (status, again, headers["Idempotent-Replayed"]) == (201, created, "true")
            status, again, _ = await post(http, b + rotate, key="rot-1")
            assert (status, again) == (201, rotated)  # rotated once: that key still works
    async with gateway(settings) as restarted:
        status, again, headers = await post(http, restarted + rotate, key="rot-1")
        assert (status, again, headers["Idempotent-Replayed"]) == (201, rotated, "true")
        assert await tenants_named(http, restarted, "shared") == [created["id"]]
        headers = {"Authorization": f"Bearer {rotated['api_key']}"}
        async with http.get(restarted + "/v1/events?types=x", headers=headers) as resp:
            assert resp.status == 422  # authenticated (a bad filter), not 401


async def test_concurrent_repeats_make_one_tenant(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with gateway(settings) as a, gateway(settings) as b:
        answers = await asyncio.gather(
            *(post(http, url + "/v1/tenants", {"name": "racy"}, "k-race") for url in [a, b] * 4)
        )
        created = await tenants_named(http, a, "racy")
        assert len(created) == 1
        for status, body, _ in answers:  # each one the answer, or told to retry in a moment
            assert (status, body["id"]) == (201, created[0]) or (
                status == 409 and body["error"]["code"] == "idempotency_request_in_progress"
            ), (status, body)
        assert len({body["api_key"] for status, body, _ in answers if status == 201}) == 1
