"""The fault suite's known duplicate, made deterministic: the send reaches the session
service, then the store does not answer the gateway's read-your-writes wait, so the client is
told 503. Its retry with the same Idempotency-Key must not send a second message.

Real NATS, the real session service with the simulator, the real gateway over HTTP; only the
store is a stand-in (tests/integration/gateway/standin_store.py), so that it can go quiet at
exactly that moment."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.app import create_app
from tests.integration.gateway.standin_store import StandInStore
from tests.integration.session.harness import Driver, fast, running_service

ADMIN = "adm_retry"
PEER = "+201000000001"


@pytest.fixture
async def store(bus: Bus) -> AsyncIterator[StandInStore]:
    standin = StandInStore(bus)
    await standin.start()
    yield standin
    await standin.stop()


@dataclass
class Stack:
    """The session service and the gateway on the test's NATS; the gateway's base URL."""

    bus: Bus
    base: str
    http: aiohttp.ClientSession


@pytest.fixture
async def stack(settings: Settings, bus: Bus) -> AsyncIterator[Stack]:
    tuned = fast(settings, admin_token=ADMIN, request_timeout_s=1.0)
    server = TestServer(create_app(tuned))
    await server.start_server()
    try:
        async with running_service(tuned, bus), aiohttp.ClientSession() as http:
            yield Stack(bus, str(server.make_url("")).rstrip("/"), http)
    finally:
        await server.close()


async def post(
    http: aiohttp.ClientSession, url: str, token: str, body: Any, key: str
) -> tuple[int, Any, dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    async with http.post(url, json=body, headers=headers) as resp:
        return resp.status, await resp.json(), dict(resp.headers)


async def test_a_retry_after_a_503_does_not_send_the_message_again(
    stack: Stack, store: StandInStore
) -> None:
    http, base = stack.http, stack.base
    status, tenant, _ = await post(http, base + "/v1/tenants", ADMIN, {"name": "t"}, "t-1")
    assert status == 201
    driver = Driver(stack.bus, tenant["id"])
    session = await driver.connected_session()
    url = f"{base}/v1/sessions/{session}/messages"
    body = {"to": PEER, "text": "once"}

    store.quiet_waits = 1  # the store goes away after the gateway's first read
    status, failed, _ = await post(http, url, tenant["api_key"], body, "send-1")
    assert (status, failed["error"]["code"]) == (503, "backend_unavailable")
    assert store.waits_seen == 1  # the command was accepted: the gateway waited on it

    status, sent, headers = await post(http, url, tenant["api_key"], body, "send-1")
    assert status == 202 and "Idempotent-Replayed" not in headers  # run again, not kept
    queued = [e for e in await driver.events(session) if e.type == "message.queued"]
    assert [getattr(e.payload, "message_id", None) for e in queued] == [sent["id"]]
    status, again, headers = await post(http, url, tenant["api_key"], body, "send-1")
    assert (status, again, headers["Idempotent-Replayed"]) == (202, sent, "true")
    await driver.wait_for(session, "message.sent")
    assert [m.message_id for m in (await driver.sent(session)).sent] == [sent["id"]]


async def test_a_retry_after_a_503_does_not_create_the_session_again(
    stack: Stack, store: StandInStore
) -> None:
    http, base = stack.http, stack.base
    status, tenant, _ = await post(http, base + "/v1/tenants", ADMIN, {"name": "t"}, "t-1")
    assert status == 201
    url, token = base + "/v1/sessions", tenant["api_key"]

    store.quiet_waits = 1  # the session is made, then its read-your-writes wait fails
    status, failed, _ = await post(http, url, token, {"name": "Sales"}, "create-1")
    assert (status, failed["error"]["code"]) == (503, "backend_unavailable")
    status, created, _ = await post(http, url, token, {"name": "Sales"}, "create-1")
    assert status == 201, created  # the session service's already_exists is this key's

    made = [
        e for e in await Driver(stack.bus, tenant["id"]).events("*") if e.type == "session.created"
    ]
    assert [e.session for e in made] == [created["id"]]
