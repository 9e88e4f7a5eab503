"""/v1/events against a real NATS server: tenant filtering, resume, heartbeats, clean-up."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer

from contracts.envelope import make_event
from contracts.events import Event, SessionConnected, SessionCreated
from contracts.subjects import EVENTS_STREAM
from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.app import create_app
from tests.integration.gateway.sse_client import SseReader
from tests.support.logged import as_logged_elsewhere, log_bytes
from tests.support.waiting import eventually

ADMIN = "adm_integration"


@dataclass
class Gateway:
    http: aiohttp.ClientSession
    url: str
    bus: Bus

    async def tenant_key(self, name: str) -> tuple[str, str]:
        headers = {"Authorization": f"Bearer {ADMIN}"}
        async with self.http.post(
            self.url + "/v1/tenants", json={"name": name}, headers=headers
        ) as resp:
            body = await resp.json()
        return body["id"], body["api_key"]

    async def publish(self, tenant: str, session: str, payload: Event) -> int:
        return await self.bus.publisher.publish(make_event(payload, tenant=tenant, session=session))

    def stream(self, key: str, query: str = "", last_event_id: int | None = None) -> Any:
        headers = {"Authorization": f"Bearer {key}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        return self.http.get(self.url + "/v1/events" + query, headers=headers)


@pytest.fixture
async def gateway(settings: Settings, bus: Bus) -> AsyncIterator[Gateway]:
    tuned = msgspec.structs.replace(settings, admin_token=ADMIN, gateway_sse_heartbeat_s=0.3)
    server = TestServer(create_app(tuned))
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Gateway(http, str(server.make_url("")).rstrip("/"), bus)
    await server.close()


async def test_a_tenant_sees_only_its_own_events_in_log_order(gateway: Gateway) -> None:
    tenant_a, key_a = await gateway.tenant_key("a")
    tenant_b, _ = await gateway.tenant_key("b")
    async with gateway.stream(key_a) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        first = await gateway.publish(tenant_a, "s1", SessionCreated(name="one"))
        await gateway.publish(tenant_b, "s9", SessionCreated(name="other tenant"))
        third = await gateway.publish(
            tenant_a, "s1", SessionConnected(phone_number="+1", jid="1@s")
        )
        events = await SseReader(resp).events(2)
    assert [int(e.id or 0) for e in events] == [first, third]
    assert [e.event for e in events] == ["session.created", "session.connected"]
    assert {e.data["tenant"] for e in events} == {tenant_a}
    assert events[0].data["payload"]["name"] == "one"


async def test_an_event_goes_out_as_the_bytes_logged(gateway: Gateway) -> None:
    """Passed on, not decoded and encoded again (which would reorder its keys)."""
    tenant, key = await gateway.tenant_key("a")
    other, _ = await gateway.tenant_key("b")
    mine = make_event(SessionCreated(name="mine"), tenant=tenant, session="s1")
    theirs = make_event(SessionCreated(name="theirs"), tenant=other, session="s1")
    async with gateway.stream(key) as resp:
        await log_bytes(gateway.bus.js, theirs, as_logged_elsewhere(theirs))
        sequence = await log_bytes(gateway.bus.js, mine, as_logged_elsewhere(mine))
        event = await SseReader(resp).next_event()
    assert (int(event.id or 0), event.event) == (sequence, "session.created")
    assert "\n".join(event.data_lines).encode() == as_logged_elsewhere(mine)


async def test_last_event_id_resumes_exactly_after_that_event(gateway: Gateway) -> None:
    tenant, key = await gateway.tenant_key("a")
    seqs = [await gateway.publish(tenant, "s1", SessionCreated(name=f"n{i}")) for i in range(5)]
    async with gateway.stream(key, last_event_id=seqs[1]) as resp:
        reader = SseReader(resp)
        replayed = await reader.events(3)
        later = await gateway.publish(tenant, "s1", SessionCreated(name="live"))
        live = await reader.next_event()
    assert [int(e.id or 0) for e in replayed] == seqs[2:]
    assert [e.data["payload"]["name"] for e in replayed] == ["n2", "n3", "n4"]
    assert int(live.id or 0) == later and live.data["payload"]["name"] == "live"


async def test_a_stream_dropped_before_any_event_resumes_from_where_it_began(
    gateway: Gateway,
) -> None:
    """The stream opens with an id alone, the position it starts after: a client that loses
    it before the first event (its network drops) reconnects with that id and misses nothing."""
    tenant, key = await gateway.tenant_key("a")
    before = await gateway.publish(tenant, "s1", SessionCreated(name="before"))
    async with gateway.stream(key) as resp:
        begun = await SseReader(resp).opening()
    assert begun == str(before)  # nothing of the tenant's came yet: no event carried an id
    missed = await gateway.publish(tenant, "s1", SessionCreated(name="while away"))
    async with gateway.stream(key, last_event_id=int(begun)) as resp:
        reader = SseReader(resp)
        assert await reader.opening() == begun  # it starts exactly there again
        event = await reader.next_event()
    assert int(event.id or 0) == missed and event.data["payload"]["name"] == "while away"


async def test_types_and_session_filters(gateway: Gateway) -> None:
    tenant, key = await gateway.tenant_key("a")
    async with gateway.stream(key, "?types=session.connected") as resp:
        await gateway.publish(tenant, "s1", SessionCreated(name="skipped"))
        wanted = await gateway.publish(tenant, "s1", SessionConnected(phone_number="+1", jid="j"))
        event = await SseReader(resp).next_event()
    assert (int(event.id or 0), event.event) == (wanted, "session.connected")
    async with gateway.stream(key, "?types=session.exploded") as resp:
        assert resp.status == 422
        assert (await resp.json())["error"]["code"] == "validation_failed"


async def test_idle_streams_get_heartbeats(gateway: Gateway) -> None:
    _, key = await gateway.tenant_key("a")
    async with gateway.stream(key) as resp:
        reader = SseReader(resp)
        await reader.until_comment("heartbeat", timeout=5)
    assert reader.comments[0] == "connected"


async def test_the_consumer_is_removed_when_the_client_goes(gateway: Gateway) -> None:
    _, key = await gateway.tenant_key("a")
    js = gateway.bus.js

    async def consumers() -> int:
        return int((await js.stream_info(EVENTS_STREAM)).state.consumer_count)

    before = await consumers()
    async with gateway.stream(key) as resp:
        assert resp.status == 200
        assert await consumers() == before + 1

    async def back_to_before() -> bool:
        return await consumers() == before

    await eventually(back_to_before, timeout=10)


async def test_bad_requests_get_clear_errors(gateway: Gateway) -> None:
    _, key = await gateway.tenant_key("a")
    async with gateway.stream(key, last_event_id=None, query="?session_id=no%20spaces") as resp:
        assert resp.status == 422
    async with gateway.http.get(
        gateway.url + "/v1/events", headers={"Authorization": f"Bearer {key}", "Last-Event-ID": "x"}
    ) as resp:
        assert resp.status == 422
        assert (await resp.json())["error"]["details"] == {"header": "Last-Event-ID"}
    async with gateway.stream("wrong") as resp:
        assert resp.status == 401
