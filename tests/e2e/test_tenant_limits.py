"""Tenant limits and what a webhook may name, over HTTP against the whole stack: targets that
can never be delivered and other tenants' sessions are refused at registration, sessions and
webhooks stop at their per-tenant quota (even when requests race), and both lists page."""

import asyncio
from typing import Any

import pytest

from tests.integration.webhooks.receiver import Receiver
from tests.support.http import Api

STRICT = {"WA_TENANT_MAX_SESSIONS": "2"}
OPEN = {"WA_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "WA_TENANT_MAX_WEBHOOKS": "3"}


async def _other(admin: Api) -> Api:
    _, body = await admin.call("POST", "/v1/tenants", json={"name": "other"})
    return admin.as_key(body["api_key"])


async def _session(api: Api, name: str = "Sales") -> str:
    status, body = await api.call("POST", "/v1/sessions", json={"name": name})
    assert status == 201, body
    return str(body["id"])


def _error(answer: tuple[int, Any]) -> tuple[int, str, dict[str, Any]]:
    status, body = answer
    return status, body["error"]["code"], body["error"]["details"]


@pytest.mark.parametrize("stack_env", [STRICT])
async def test_undeliverable_targets_foreign_sessions_and_the_session_quota(
    admin: Api, tenant: Api
) -> None:
    mine = await _session(tenant)
    theirs = await _session(await _other(admin))
    hook = {"url": "https://hooks.example.com/in", "events": ["*"]}
    for session in (theirs, "01a00000-0000-7000-8000-000000000000"):
        answer = await tenant.call("POST", "/v1/webhooks", json={**hook, "session_id": session})
        assert _error(answer) == (404, "not_found", {"field": "session_id"}), session
    for url, reason in [
        ("http://localhost/", "local_name"),
        ("http://printer.local/", "local_name"),
        ("http://metadata.google.internal/", "local_name"),
        ("http://intranet/", "single_label"),
        ("http://10.0.0.1/", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://[::ffff:127.0.0.1]/", "private_address"),
        ("http://１２７.０.０.１/", "non_ascii_address"),  # noqa: RUF001
        ("http://2130706433/", "non_canonical_address"),
        ("http://example.com:0/", "bad_port"),
        ("http://example.com:65536/", "bad_port"),
        ("http://user:pw@example.com/", "userinfo"),
    ]:
        answer = await tenant.call("POST", "/v1/webhooks", json={**hook, "url": url})
        assert _error(answer) == (422, "validation_failed", {"field": "url", "reason": reason})
    assert (await tenant.call("GET", "/v1/webhooks"))[1] == {"items": [], "next_cursor": None}

    racing = await asyncio.gather(*(tenant.call("POST", "/v1/sessions", json={"name": "n"})
                                    for _ in range(4)))  # fmt: skip
    assert sorted(status for status, _ in racing) == [201, 422, 422, 422]
    refused = next(body for status, body in racing if status == 422)
    assert refused["error"]["code"] == "quota_exceeded"
    assert refused["error"]["details"] == {"limit": 2, "resource": "sessions"}

    status, page = await tenant.call("GET", "/v1/sessions")
    assert status == 200 and len(page["items"]) == 2 and page["next_cursor"] is None
    status, first = await tenant.call("GET", "/v1/sessions?limit=1")
    assert status == 200 and len(first["items"]) == 1 and first["next_cursor"]
    _, rest = await tenant.call("GET", f"/v1/sessions?limit=1&cursor={first['next_cursor']}")
    assert [s["id"] for s in first["items"] + rest["items"]] == [s["id"] for s in page["items"]]
    assert rest["next_cursor"] is None
    for query in ("limit=0", "limit=201", "cursor=!"):
        assert (await tenant.call("GET", f"/v1/sessions?{query}"))[0] == 422, query

    assert (await tenant.call("DELETE", f"/v1/sessions/{mine}"))[0] == 204
    answer = await tenant.call("POST", "/v1/webhooks", json={**hook, "session_id": mine})
    assert _error(answer) == (404, "not_found", {"field": "session_id"})  # deleted
    await _session(tenant, "in its place")  # the deleted one no longer counts


@pytest.mark.parametrize("stack_env", [OPEN])
async def test_the_webhook_quota_pages_and_session_filters(
    admin: Api, tenant: Api, receiver: Receiver
) -> None:
    mine = await _session(tenant)
    theirs = await _session(await _other(admin))
    body = {"url": receiver.url, "events": ["message.*"]}
    status, hook = await tenant.call("POST", "/v1/webhooks", json={**body, "session_id": mine})
    assert status == 201 and hook["session_id"] == mine, hook
    one = f"/v1/webhooks/{hook['id']}"
    answer = await tenant.call("PATCH", one, json={"session_id": theirs})
    assert _error(answer) == (404, "not_found", {"field": "session_id"})
    assert (await tenant.call("GET", one))[1]["session_id"] == mine
    assert (await tenant.call("PATCH", one, json={"session_id": None}))[1]["session_id"] is None

    racing = await asyncio.gather(*(tenant.call("POST", "/v1/webhooks", json=body)
                                    for _ in range(5)))  # fmt: skip
    assert sorted(status for status, _ in racing) == [201, 201, 422, 422, 422]
    for status, answer in racing:
        if status == 422:
            assert answer["error"]["code"] == "quota_exceeded"
            assert answer["error"]["details"] == {"limit": 3, "resource": "webhooks"}

    _, everything = await tenant.call("GET", "/v1/webhooks")
    assert len(everything["items"]) == 3 and everything["next_cursor"] is None
    _, first = await tenant.call("GET", "/v1/webhooks?limit=2")
    _, rest = await tenant.call("GET", f"/v1/webhooks?limit=2&cursor={first['next_cursor']}")
    assert [h["id"] for h in first["items"] + rest["items"]] == [
        h["id"] for h in everything["items"]
    ]
    assert rest["next_cursor"] is None
    for query in ("limit=0", "limit=x", "cursor=bm9wZQ"):
        assert (await tenant.call("GET", f"/v1/webhooks?{query}"))[0] == 422, query
