"""Idempotency-Key against the whole stack (simulated WhatsApp) over real HTTP: a repeat gets
the first answer and does nothing again, through a second gateway instance on the same NATS
and after the stack's gateway restarts; concurrent repeats cause one effect.

One stack for the module; every test makes its own tenant."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimReply, SimScan, SimSent, SimSentReply
from contracts.subjects import sim_subject
from runtime.settings import load_settings
from services.gateway.app import create_app
from tests.support.stacks import running_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")
PEER = "+201000000001"
Answer = tuple[int, Any, dict[str, str]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    data_dir = Path(tmp_path_factory.mktemp("idempotency")) / "var"
    async with running_stack(data_dir, {"WA_GATEWAY_RATE_PER_S": "0"}, timeout=90) as local:
        yield local


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim(stack: LocalStack) -> AsyncIterator[Client]:
    nc = await stack.connect_operator()
    yield nc
    await nc.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def second_gateway(stack: LocalStack) -> AsyncIterator[str]:
    """Another gateway instance on the stack's NATS (in this process): a second replica."""
    server = TestServer(create_app(load_settings(stack.env)))
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


class Caller:
    def __init__(self, http: aiohttp.ClientSession, token: str) -> None:
        self.http, self.token = http, token

    async def call(self, method: str, url: str, body: Any = None, key: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        async with self.http.request(method, url, json=body, headers=headers) as resp:
            return resp.status, await resp.json(), dict(resp.headers)


@pytest_asyncio.fixture(loop_scope="module")
async def tenant(stack: LocalStack) -> AsyncIterator[Caller]:
    async with aiohttp.ClientSession() as http:
        admin = Caller(http, stack.admin_token)
        status, created, _ = await admin.call("POST", stack.url + "/v1/tenants", {"name": "t"})
        assert status == 201, created
        yield Caller(http, created["api_key"])


def replayed(answer: Answer, first: Answer) -> bool:
    return answer[:2] == first[:2] and answer[2].get("Idempotent-Replayed") == "true"


async def sent_by_whatsapp(sim: Client, session: str, message: str) -> list[str]:
    """What the simulator sent for the session, once ``message`` is among it."""
    msg = await sim.request(sim_subject("sent"), msgspec.json.encode(SimSent(session=session)))
    sent = [m.message_id for m in msgspec.json.decode(msg.data, type=SimSentReply).sent]
    return sent if message in sent else []


async def connected(tenant: Caller, base: str, sim: Client, key: str) -> str:
    first = await tenant.call("POST", base + "/v1/sessions", {"name": "Sales"}, key)
    assert first[0] == 201 and "Idempotent-Replayed" not in first[2], first  # keys are per tenant
    assert replayed(await tenant.call("POST", base + "/v1/sessions", {"name": "Sales"}, key), first)
    session = str(first[1]["id"])
    status, body, _ = await tenant.call("POST", f"{base}/v1/sessions/{session}/pair", {})
    assert status == 202, body
    msg = await sim.request(
        sim_subject("scan"), msgspec.json.encode(SimScan(session=session, phone="+201234567890"))
    )
    assert msgspec.json.decode(msg.data, type=SimReply).ok

    async def is_connected() -> bool:
        view = await tenant.call("GET", f"{base}/v1/sessions/{session}")
        return bool(view[1]["status"] == "connected")

    await eventually(is_connected)
    return session


async def test_one_session_and_one_message_per_key_across_replicas_and_a_restart(
    stack: LocalStack, sim: Client, second_gateway: str, tenant: Caller
) -> None:
    session = await connected(tenant, stack.url, sim, "session-1")
    sessions = (await tenant.call("GET", stack.url + "/v1/sessions"))[1]["items"]
    assert [s["id"] for s in sessions] == [session]

    path = f"/v1/sessions/{session}/messages"
    body = {"to": PEER, "text": "hello once"}
    first = await tenant.call("POST", stack.url + path, body, "message-1")
    assert first[0] == 202 and "Idempotent-Replayed" not in first[2], first
    assert replayed(await tenant.call("POST", stack.url + path, body, "message-1"), first)
    assert replayed(await tenant.call("POST", second_gateway + path, body, "message-1"), first)
    other = await tenant.call("POST", second_gateway + path, {**body, "text": "x"}, "message-1")
    assert other[0] == 422 and other[1]["error"]["code"] == "idempotency_key_reused"

    stack.kill("gateway")
    stack.start_service("gateway")
    await stack.wait_gateway(30)
    assert replayed(await tenant.call("POST", stack.url + path, body, "message-1"), first)

    message = str(first[1]["id"])
    assert await eventually(lambda: sent_by_whatsapp(sim, session, message)) == [message]
    status, listed, _ = await tenant.call("GET", stack.url + path)
    assert status == 200 and [m["message_id"] for m in listed["items"]] == [message]


async def test_concurrent_repeats_on_two_replicas_send_one_message(
    stack: LocalStack, sim: Client, second_gateway: str, tenant: Caller
) -> None:
    session = await connected(tenant, second_gateway, sim, "session-1")
    path = f"/v1/sessions/{session}/messages"
    body = {"to": PEER, "text": "racing"}
    answers = await asyncio.gather(
        *(
            tenant.call("POST", url + path, body, "race-1")
            for url in [stack.url, second_gateway] * 3
        )
    )
    accepted = [a for a in answers if a[0] == 202]
    assert accepted and len({a[1]["id"] for a in accepted}) == 1, answers
    for status, answer, _ in answers:
        assert status == 202 or answer["error"]["code"] == "idempotency_request_in_progress"
    message = str(accepted[0][1]["id"])
    assert await eventually(lambda: sent_by_whatsapp(sim, session, message)) == [message]
    status, listed, _ = await tenant.call("GET", stack.url + path)
    assert [m["message_id"] for m in listed["items"]] == [message]


async def test_reminders_appointments_and_webhooks_once_per_key(
    stack: LocalStack, sim: Client, second_gateway: str, tenant: Caller
) -> None:
    session = await connected(tenant, stack.url, sim, "session-1")
    later = datetime.now(UTC) + timedelta(days=2)
    made: dict[str, str] = {}
    for path, body in [
        ("/v1/reminders", {"session_id": session, "to": PEER, "text": "hi",
                           "due_at": later.isoformat()}),
        ("/v1/appointments", {"session_id": session, "to": PEER, "title": "Dentist",
                              "starts_at": later.isoformat()}),
        ("/v1/webhooks", {"url": "https://example.com/hook", "events": ["reminder.cancelled"],
                          "session_id": session}),
    ]:  # fmt: skip
        first = await tenant.call("POST", stack.url + path, body, f"key {path}")
        assert first[0] == 201, first
        assert replayed(
            await tenant.call("POST", second_gateway + path, body, f"key {path}"), first
        )
        made[path] = first[1]["id"]
    reminders = (await tenant.call("GET", f"{stack.url}/v1/reminders?session_id={session}"))[1]
    appointment = await tenant.call(
        "GET", f"{stack.url}/v1/appointments/{made['/v1/appointments']}"
    )
    own = {r["id"] for r in appointment[1]["reminders"]}
    assert {r["id"] for r in reminders["items"]} == {made["/v1/reminders"]} | own
    assert len(own) == 2  # the default lead times, once
    webhooks = (await tenant.call("GET", stack.url + "/v1/webhooks"))[1]["items"]
    assert [w["id"] for w in webhooks] == [made["/v1/webhooks"]]
