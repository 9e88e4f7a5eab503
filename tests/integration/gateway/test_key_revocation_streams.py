"""A rotated or revoked key ends its open /v1/events streams, on every gateway: two gateway
apps on one NATS server, the stream on one, the key changed through the other."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer

from contracts.envelope import make_event
from contracts.events import SessionCreated
from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.adapters.tenants import KEYS_BUCKET, hash_key
from services.gateway.app import create_app
from tests.integration.gateway.sse_client import SseEvent, SseReader

ADMIN = "adm_revocation"
DEADLINE_S = 10.0  # generous: the end is awaited, never timed


@dataclass
class Gateways:
    http: aiohttp.ClientSession
    a: str
    b: str
    bus: Bus

    async def call(self, url: str, method: str, path: str, token: str) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"}
        body = {"name": "acme"} if path == "/v1/tenants" else None
        async with self.http.request(method, url + path, json=body, headers=headers) as resp:
            return resp.status, await resp.json()

    async def publish(self, tenant: str, name: str) -> int:
        event = make_event(SessionCreated(name=name), tenant=tenant, session="s1")
        return await self.bus.publisher.publish(event)


@pytest.fixture
async def gateways(settings: Settings, bus: Bus) -> AsyncIterator[Gateways]:
    tuned = msgspec.structs.replace(settings, admin_token=ADMIN, gateway_sse_heartbeat_s=3600.0)
    servers = [TestServer(create_app(tuned)), TestServer(create_app(tuned))]
    for server in servers:
        await server.start_server()
    a, b = (str(server.make_url("")).rstrip("/") for server in servers)
    async with aiohttp.ClientSession() as http:
        yield Gateways(http, a, b, bus)
    for server in servers:
        await server.close()


async def _until_the_end(reader: SseReader) -> list[SseEvent]:
    """Every event still sent before the stream ends."""
    seen: list[SseEvent] = []

    async def read() -> None:
        while True:
            try:
                seen.append(await reader.next_event(timeout=DEADLINE_S))
            except EOFError:
                return

    await asyncio.wait_for(read(), DEADLINE_S)
    return seen


async def test_rotating_on_one_gateway_ends_the_stream_on_the_other(gateways: Gateways) -> None:
    status, created = await gateways.call(gateways.a, "POST", "/v1/tenants", ADMIN)
    assert status == 201
    tenant, old_key = created["id"], created["api_key"]
    headers = {"Authorization": f"Bearer {old_key}"}
    async with gateways.http.get(gateways.b + "/v1/events", headers=headers) as resp:
        assert resp.status == 200
        reader = SseReader(resp)
        before = await gateways.publish(tenant, "before")
        assert int((await reader.next_event(timeout=DEADLINE_S)).id or 0) == before
        status, rotated = await gateways.call(
            gateways.a, "POST", f"/v1/tenants/{tenant}/keys", ADMIN
        )
        assert status == 201
        after = await gateways.publish(tenant, "after the rotation")
        late = await _until_the_end(reader)
    assert after not in [int(e.id or 0) for e in late]
    assert "key revoked" in reader.comments
    new_headers = {"Authorization": f"Bearer {rotated['api_key']}"}
    async with gateways.http.get(gateways.b + "/v1/events", headers=headers) as resp:
        assert resp.status == 401  # and the old key opens nothing new
    async with gateways.http.get(gateways.b + "/v1/events", headers=new_headers) as resp:
        assert resp.status == 200


async def test_a_key_deleted_from_the_bucket_ends_its_streams(gateways: Gateways) -> None:
    _, created = await gateways.call(gateways.a, "POST", "/v1/tenants", ADMIN)
    _, other = await gateways.call(gateways.a, "POST", "/v1/tenants", ADMIN)
    keys = await gateways.bus.js.key_value(KEYS_BUCKET)
    revoked = {"Authorization": f"Bearer {created['api_key']}"}
    kept = {"Authorization": f"Bearer {other['api_key']}"}
    async with (
        gateways.http.get(gateways.a + "/v1/events", headers=revoked) as on_a,
        gateways.http.get(gateways.b + "/v1/events", headers=revoked) as on_b,
        gateways.http.get(gateways.b + "/v1/events", headers=kept) as untouched,
    ):
        readers = [SseReader(resp) for resp in (on_a, on_b, untouched)]
        for reader in readers:
            await reader.until_comment("connected", timeout=DEADLINE_S)
        await keys.delete(hash_key(created["api_key"]))  # revoked by hand, as ops would
        assert await _until_the_end(readers[0]) == []
        assert await _until_the_end(readers[1]) == []
        published = await gateways.publish(other["id"], "still live")
        assert int((await readers[2].next_event(timeout=DEADLINE_S)).id or 0) == published
