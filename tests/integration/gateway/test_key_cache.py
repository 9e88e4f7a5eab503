"""API keys are cached by each gateway, and a revoked key is still refused at once: on the
gateway that rotated it before it answers, on every other one as soon as its key watch hears
of the change (two gateway apps on one NATS server; a key deleted from the bucket by hand)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer

from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.adapters.tenants import KEYS_BUCKET, TenantRegistry, hash_key
from services.gateway.app import create_app
from services.gateway.http.keys import TENANTS
from tests.support.waiting import eventually

ADMIN = "adm_key_cache"
OWN = "/v1/bus-credentials"  # a tenant's read that needs no other service


@dataclass
class Gateways:
    http: aiohttp.ClientSession
    servers: list[TestServer]

    def url(self, n: int) -> str:
        return str(self.servers[n].make_url("")).rstrip("/")

    def cached(self, n: int, key: str) -> bool:
        return self.servers[n].app[TENANTS].cache.get(hash_key(key)) is not None

    async def status(self, n: int, method: str, path: str, token: str) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"}
        body = {"name": "acme"} if path == "/v1/tenants" else None
        async with self.http.request(method, self.url(n) + path, json=body, headers=headers) as r:
            return r.status, await r.json()


@pytest.fixture
async def gateways(settings: Settings, bus: Bus) -> AsyncIterator[Gateways]:
    tuned = msgspec.structs.replace(settings, admin_token=ADMIN, gateway_rate_per_s=0.0)
    servers = [TestServer(create_app(tuned)), TestServer(create_app(tuned))]
    for server in servers:
        await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Gateways(http, servers)
    for server in servers:
        await server.close()


async def test_a_rotation_forgets_the_old_key_before_it_answers(bus: Bus) -> None:
    registry = await TenantRegistry.open(bus.js)  # no key watch: the rotation alone must do
    tenant, old = await registry.create("acme")
    assert await registry.cached_tenant_of_key(old) == tenant.id
    assert registry.cache.get(hash_key(old)) == tenant.id  # the next lookup asks no bucket
    rotated = await registry.rotate(tenant.id)
    assert rotated is not None
    assert await registry.cached_tenant_of_key(old) is None
    assert await registry.cached_tenant_of_key(rotated[1]) == tenant.id


async def test_a_key_revoked_elsewhere_is_refused_as_soon_as_the_watch_hears(
    gateways: Gateways, bus: Bus
) -> None:
    status, created = await gateways.status(0, "POST", "/v1/tenants", ADMIN)
    assert status == 201
    tenant, old = created["id"], created["api_key"]
    for n in (0, 1):
        assert (await gateways.status(n, "GET", OWN, old))[0] == 200
        assert gateways.cached(n, old)
    status, rotated = await gateways.status(0, "POST", f"/v1/tenants/{tenant}/keys", ADMIN)
    assert status == 201
    assert (await gateways.status(0, "GET", OWN, old))[0] == 401  # here: before it answered

    async def refused_on_the_other() -> bool:
        return (await gateways.status(1, "GET", OWN, old))[0] == 401

    await eventually(refused_on_the_other)
    new = rotated["api_key"]
    assert [(await gateways.status(n, "GET", OWN, new))[0] for n in (0, 1)] == [200, 200]
    keys = await bus.js.key_value(KEYS_BUCKET)
    await keys.delete(hash_key(new))  # revoked by hand, as ops would

    async def refused_everywhere() -> bool:
        return [(await gateways.status(n, "GET", OWN, new))[0] for n in (0, 1)] == [401, 401]

    await eventually(refused_everywhere)
