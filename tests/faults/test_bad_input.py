"""Bad input over HTTP, and 10,000 concurrent requests from one key (200 in flight): only
clear 4xx answers (429 for the flood), never a 5xx, and nothing written (the tenant's events
in the log and its sessions and messages in the store are counted before and after)."""

import asyncio
import time
from collections import Counter
from typing import Any

import aiohttp
import pytest
from nats.aio.client import Client

from cli.stack import LocalStack
from tests.faults.support import (
    connected_session,
    log_events,
    new_tenant,
    store_messages,
)
from tests.support.http import Api

pytestmark = pytest.mark.asyncio(loop_scope="package")

FLOOD, IN_FLIGHT = 10_000, 200
OVERSIZED = b'{"to": "+201000000001", "text": "' + b"x" * 300_000 + b'"}'


def bad_requests(session: str) -> list[tuple[str, str, bytes, int]]:
    """(method, path, body, expected status) of bad input against a connected session."""
    send = f"/v1/sessions/{session}/messages"
    return [
        ("POST", send, b'{"to": "+201000000001", "text": ', 400),  # malformed JSON
        ("POST", send, b"\xff\xfe\x00", 400),  # not UTF-8
        ("POST", send, b'{"to": "+201000000001", "text": "\\ud800"}', 400),  # lone surrogate
        ("POST", send, b'{"to": "+201000000001", "text": "\\udc00x"}', 400),
        ("POST", send, b'{"to": "+201000000001", "text": "a\x00b"}', 400),  # raw NUL
        ("POST", send, OVERSIZED, 413),
        ("POST", send, b'{"to": 201000000001, "text": "x"}', 422),  # wrong types
        ("POST", send, b'{"to": "+201000000001", "text": ["x"]}', 422),
        ("POST", send, b'{"to": "+201000000001", "text": "x", "priority": 1}', 422),  # unknown
        ("POST", send, b'{"to": "+201000000001"}', 422),  # missing
        ("POST", send, b'{"to": "+201000000001", "text": ""}', 422),
        ("POST", send, b'{"to": "12@bogus", "text": "x"}', 422),  # invalid addresses
        ("POST", send, b'{"to": "not a number", "text": "x"}', 422),
        ("POST", send, '{"to": "\u200f+201000000001", "text": "x"}'.encode(), 422),  # RTL mark
        ("POST", send, '{"to": "\u202e1000000102+", "text": "x"}'.encode(), 422),  # RTL override
        ("POST", send, '{"to": "\U0001f600", "text": "x"}'.encode(), 422),  # emoji
        ("POST", send, b'{"to": "+2010000\\u0000", "text": "x"}', 422),  # escaped NUL
        ("POST", send, '{"to": "\u0660\u0661\u0660\u0660", "text": "x"}'.encode(), 422),
        ("POST", "/v1/sessions", b'{"name": 12}', 422),
        ("POST", "/v1/sessions", b'{"name": "x", "admin": true}', 422),
        ("POST", "/v1/sessions", b'{"name": "\\ud83d"}', 400),
        ("POST", "/v1/sessions", b"[]", 422),
        ("POST", "/v1/reminders", b'{"session_id": "../x", "to": "1", "due_at": "2030"}', 422),
        ("POST", f"/v1/sessions/{session}/pair", b'{"method": "pigeon"}', 422),
    ]


async def written(api: Api, nc: Client, tenant: str, session: str) -> tuple[int, int, int]:
    """(the tenant's events in the log, its sessions, the session's messages in the store)"""
    events = len(await log_events(nc, tenant=tenant))
    status, sessions = await api.call("GET", "/v1/sessions?limit=200")
    assert status == 200, sessions
    return events, len(sessions["items"]), len(await store_messages(api, session))


async def test_bad_input_is_a_clear_4xx_and_writes_nothing(
    quiet_admin: Api, quiet_nc: Client
) -> None:
    admin, nc = quiet_admin, quiet_nc
    api = await new_tenant(admin, "bad input")
    session = await connected_session(api, nc)
    tenant = str((await api.call("GET", f"/v1/sessions/{session}"))[1]["tenant"])
    before = await written(api, nc, tenant, session)
    wrong: list[Any] = []
    for method, path, raw, expected in bad_requests(session):
        status, body = await api.call(method, path, data=raw)
        if status != expected or set(body.get("error", {})) != {"code", "message", "details"}:
            wrong.append((raw[:60], status, body))
    after = await written(api, nc, tenant, session)
    figures = (
        f"bad requests: {len(bad_requests(session))}, unexpected answers: {len(wrong)}; "
        f"(events, sessions, messages) before {before}, after {after}"
    )
    print(figures)
    assert not wrong and before == after, (figures, wrong)


async def test_ten_thousand_concurrent_requests_from_one_key(
    quiet_stack: LocalStack, quiet_admin: Api, quiet_nc: Client
) -> None:
    stack, admin, nc = quiet_stack, quiet_admin, quiet_nc
    api = await new_tenant(admin, "flood")
    session = await connected_session(api, nc)
    tenant = str((await api.call("GET", f"/v1/sessions/{session}"))[1]["tenant"])
    before = await written(api, nc, tenant, session)
    statuses: Counter[int] = Counter()
    unclear = 0
    headers = {"Authorization": f"Bearer {api.key}"}
    bad_send = b'{"to": "not a number", "text": "x"}'
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
    started_at = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as http:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(i: int) -> None:
            nonlocal unclear
            async with gate:
                path = f"/v1/sessions/{session}/messages"
                method, data = ("POST", bad_send) if i % 2 else ("GET", None)
                async with http.request(
                    method, stack.url + path, data=data, headers=headers
                ) as resp:
                    statuses[resp.status] += 1
                    body = await resp.json()
                    if resp.status == 429 and "Retry-After" not in resp.headers:
                        unclear += 1
                    if resp.status >= 400 and "error" not in body:
                        unclear += 1

        await asyncio.gather(*(one(i) for i in range(FLOOD)))
    elapsed = time.perf_counter() - started_at
    after = await written(api, nc, tenant, session)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    figures = (
        f"{FLOOD} requests, {IN_FLIGHT} in flight, {elapsed:.1f} s: "
        f"{dict(sorted(statuses.items()))}; 5xx: {server_errors}, unclear answers: {unclear}; "
        "(events, sessions, messages) "
        f"before {before}, after {after}"
    )
    print(figures)
    assert server_errors == 0 and unclear == 0 and statuses[429] > 0, figures
    assert set(statuses) <= {200, 422, 429}, figures
    assert before == after, figures


async def test_a_nul_in_a_name_is_refused(quiet_admin: Api) -> None:
    api = await new_tenant(quiet_admin, "nul")
    status, body = await api.call("POST", "/v1/sessions", data=b'{"name": "a\\u0000b"}')
    print(f"a name with an escaped NUL: {status}")
    assert 400 <= status < 500, body
