"""Webhooks end to end: registered over HTTP, fed by real events (a session created through
the gateway), signed, dead-lettered and redelivered, surviving a SIGKILL of the service."""

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from cli.stack import LocalStack
from services.webhooks.domain.signing import verify
from tests.integration.webhooks.receiver import Receiver
from tests.support.http import Api
from tests.support.stacks import running_stack
from tests.support.waiting import eventually

FAST_RETRIES = {
    "WA_WEBHOOK_MAX_ATTEMPTS": "3",
    "WA_WEBHOOK_BACKOFF_S": "0.1",
    "WA_WEBHOOK_BACKOFF_MAX_S": "0.5",
    "WA_WEBHOOK_TIMEOUT_S": "1",
    "WA_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",  # the receiver is on loopback
    "WA_LEASE_TTL_S": "4",  # the restarted service leads once the killed one's lease expires
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    """One stack for the module (a stack is not bound to an event loop once started): the
    second test kills the webhooks service and waits until its restart delivers again."""
    data_dir = tmp_path_factory.mktemp("webhooks") / "var"
    async with running_stack(data_dir, FAST_RETRIES) as local:
        yield local


async def test_register_receive_signed_events_and_manage_webhooks(
    admin: Api, tenant: Api, receiver: Receiver
) -> None:
    for body, status, code in [
        ({"url": "ftp://example.com/", "events": ["*"]}, 422, "validation_failed"),
        ({"url": receiver.url, "events": ["bogus.*"]}, 422, "validation_failed"),
        ({"url": receiver.url, "events": ["*"], "colour": "red"}, 422, "validation_failed"),
        ({"events": ["*"]}, 422, "validation_failed"),
    ]:
        got, error = await tenant.call("POST", "/v1/webhooks", json=body)
        assert (got, error["error"]["code"]) == (status, code), body
    assert (await tenant.call("POST", "/v1/webhooks", data=b'{"url":'))[0] == 400
    assert (await tenant.call("GET", "/v1/webhooks"))[1] == {"items": [], "next_cursor": None}

    status, hook = await tenant.call(
        "POST", "/v1/webhooks", json={"url": receiver.url, "events": ["session.*"]}
    )
    assert status == 201 and hook["secret"].startswith("whsec_"), hook
    secret, hook_id = hook["secret"], hook["id"]
    status, read = await tenant.call("GET", f"/v1/webhooks/{hook_id}")
    assert status == 200 and "secret" not in read and read["url"] == receiver.url

    status, session = await tenant.call("POST", "/v1/sessions", json={"name": "Sales"})
    assert status == 201, session
    [hit] = await eventually(receiver.got)
    assert hit.event["session"] == session["id"] and hit.event["type"] == "session.created"
    assert verify(secret, hit.headers["X-WA-Signature"], hit.body, now=time.time())

    async def logged() -> list[dict[str, Any]]:
        _, page = await tenant.call("GET", f"/v1/webhooks/{hook_id}/deliveries")
        return [d for d in page["items"] if d["status"] == "delivered"]

    [delivery] = await eventually(logged)
    assert delivery["event_id"] == hit.event_id
    assert [a["status_code"] for a in delivery["attempts"]] == [200]

    for query in ("status=bogus", "limit=0", "limit=x"):
        status, _ = await tenant.call("GET", f"/v1/webhooks/{hook_id}/deliveries?{query}")
        assert status == 422, query
    assert (await tenant.call("GET", "/v1/webhooks/not.an.id"))[0] == 404

    _, other = await admin.call("POST", "/v1/tenants", json={"name": "other"})
    intruder = admin.as_key(other["api_key"])
    for method, path in [
        ("GET", f"/v1/webhooks/{hook_id}"),
        ("PATCH", f"/v1/webhooks/{hook_id}"),
        ("DELETE", f"/v1/webhooks/{hook_id}"),
        ("GET", f"/v1/webhooks/{hook_id}/deliveries"),
        ("GET", f"/v1/webhooks/{hook_id}/dead-letters"),
    ]:
        status, _ = await intruder.call(method, path, json={} if method == "PATCH" else None)
        assert status == 404, (method, path)
    assert (await intruder.call("GET", "/v1/webhooks"))[1]["items"] == []

    status, patched = await tenant.call(
        "PATCH", f"/v1/webhooks/{hook_id}", json={"events": ["message.*"]}
    )
    assert status == 200 and patched["events"] == ["message.*"]
    status, _ = await tenant.call("PATCH", f"/v1/webhooks/{hook_id}", json={"url": "nope"})
    assert status == 422
    assert (await tenant.call("GET", f"/v1/webhooks/{hook_id}"))[1]["url"] == receiver.url
    assert (await tenant.call("DELETE", f"/v1/webhooks/{hook_id}"))[0] == 204
    assert (await tenant.call("GET", f"/v1/webhooks/{hook_id}"))[0] == 404


async def test_dead_letter_redelivery_and_a_killed_service(
    stack: LocalStack, tenant: Api, receiver: Receiver
) -> None:
    failing = True
    receiver.respond = lambda _, __: 500 if failing else 200
    _, hook = await tenant.call(
        "POST", "/v1/webhooks", json={"url": receiver.url, "events": ["session.created"]}
    )
    dead_letters = f"/v1/webhooks/{hook['id']}/dead-letters"
    await tenant.call("POST", "/v1/sessions", json={"name": "Support"})

    async def parked() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await tenant.call("GET", dead_letters))[1]["items"]
        return items

    [dead] = await eventually(parked)
    assert [a["status_code"] for a in dead["attempts"]] == [500, 500, 500]

    failing = False
    status, queued = await tenant.call("POST", f"{dead_letters}/{dead['id']}/redeliver")
    assert status == 202 and queued["status"] == "pending"
    [hit] = await eventually(receiver.got)
    assert hit.event_id == dead["event_id"] and hit.headers["X-WA-Attempt"] == "4"
    assert (await tenant.call("POST", f"{dead_letters}/{dead['id']}/redeliver"))[0] == 409

    stack.kill("webhooks")
    status, later = await tenant.call("POST", "/v1/sessions", json={"name": "After the crash"})
    assert status == 201, later
    stack.start_service("webhooks")
    await eventually(lambda: receiver.got(2), timeout=20)
    assert receiver.ok()[-1].event["session"] == later["id"]
