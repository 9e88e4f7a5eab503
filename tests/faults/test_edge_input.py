"""Input at the edges, through the whole stack: bad UTF-8 inside a JSON string on every body
endpoint (400 ``malformed_json``), a text of whitespace alone (422), and times that UTC cannot
hold or that lie beyond the schedule horizon (422). Each is a clear 4xx in the one error shape
and writes nothing (the tenant's events, sessions and messages are counted before and after)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nats.aio.client import Client

from tests.faults.support import PEER, connected_session, log_events, new_tenant, store_messages
from tests.support.http import Api

pytestmark = pytest.mark.asyncio(loop_scope="package")

UNKNOWN = "0190a0a0-0000-7000-8000-000000000000"  # a well-formed id that names nothing
OVERFLOW = "9999-12-31T23:59:59-00:01"  # 10000-01-01 once in UTC
UNDERFLOW = "0001-01-01T00:00:00+00:01"


def _utf8_cases(session: str) -> list[tuple[str, str, bytes]]:
    """(method, path, body) with bytes that are no UTF-8 inside a string (or a key)."""
    to = b'"to": "' + PEER.encode() + b'"'
    owner = b'"session_id": "' + session.encode() + b'", ' + to
    due = b'"due_at": "2030-01-01T00:00:00Z"'
    starts = b'"starts_at": "2030-01-01T00:00:00Z"'
    send = f"/v1/sessions/{session}/messages"
    return [
        ("POST", "/v1/sessions", b'{"name": "\xff"}'),
        ("POST", "/v1/sessions", b'{"n\xc3": "x"}'),  # a cut two-byte sequence, in a key
        ("POST", send, b"{" + to + b', "text": "caf\xe9"}'),  # Latin-1, not UTF-8
        ("POST", send, b'{"to": 1, "text": "\xed\xa0\x80"}'),  # a surrogate; and a wrong type
        ("POST", f"/v1/sessions/{session}/pair", b'{"method": "\xff"}'),
        ("POST", "/v1/reminders", b"{" + owner + b", " + due + b', "text": "\xc0\xaf"}'),
        ("POST", "/v1/appointments", b"{" + owner + b", " + starts + b', "title": "\xf8\x88"}'),
        ("PATCH", f"/v1/appointments/{UNKNOWN}", b'{"title": "\xff"}'),
        ("POST", "/v1/webhooks", b'{"url": "https://example.com/\xff", "events": ["*"]}'),
        ("PATCH", f"/v1/webhooks/{UNKNOWN}", b'{"url": "\xfe"}'),
    ]


async def written(api: Api, nc: Client, tenant: str, session: str) -> tuple[int, int, int]:
    events = len(await log_events(nc, tenant=tenant))
    status, sessions = await api.call("GET", "/v1/sessions?limit=200")
    assert status == 200, sessions
    return events, len(sessions["items"]), len(await store_messages(api, session))


def _shaped(body: Any) -> bool:
    return isinstance(body, dict) and set(body.get("error", {})) == {"code", "message", "details"}


async def test_bad_utf8_in_any_body_is_malformed_json(quiet_admin: Api, quiet_nc: Client) -> None:
    api = await new_tenant(quiet_admin, "bad utf-8")
    session = await connected_session(api, quiet_nc)
    tenant = str((await api.call("GET", f"/v1/sessions/{session}"))[1]["tenant"])
    before = await written(api, quiet_nc, tenant, session)
    tenants_before = (await quiet_admin.call("GET", "/v1/tenants"))[1]["items"]
    wrong = []
    admin_case = ("POST", "/v1/tenants", b'{"name": "\xff"}')
    for method, path, raw in [*_utf8_cases(session), admin_case]:
        caller = quiet_admin if path == "/v1/tenants" else api
        status, body = await caller.call(method, path, data=raw)
        if status != 400 or not _shaped(body) or body["error"]["code"] != "malformed_json":
            wrong.append((method, path, raw[:40], status, body))
    assert not wrong, wrong
    assert await written(api, quiet_nc, tenant, session) == before
    assert (await quiet_admin.call("GET", "/v1/tenants"))[1]["items"] == tenants_before


async def test_whitespace_text_and_times_out_of_bounds_are_422(
    quiet_admin: Api, quiet_nc: Client
) -> None:
    api = await new_tenant(quiet_admin, "edges")
    session = await connected_session(api, quiet_nc)
    tenant = str((await api.call("GET", f"/v1/sessions/{session}"))[1]["tenant"])
    soon = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    status, appointment = await api.call("POST", "/v1/appointments", json={
        "session_id": session, "to": PEER, "title": "Dentist", "starts_at": soon})  # fmt: skip
    assert status == 201, appointment
    before = await written(api, quiet_nc, tenant, session)
    beyond = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    reminder = {"session_id": session, "to": PEER, "text": "hi"}
    new = {"session_id": session, "to": PEER, "title": "x"}
    move = f"/v1/appointments/{appointment['id']}"
    send = f"/v1/sessions/{session}/messages"
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", send, {"to": PEER, "text": " \t\n "}, "invalid_text"),
        ("POST", send, {"to": PEER, "text": "\u3000\u2003"}, "invalid_text"),
        ("POST", "/v1/reminders", {**reminder, "due_at": OVERFLOW}, "validation_failed"),
        ("POST", "/v1/reminders", {**reminder, "due_at": UNDERFLOW}, "validation_failed"),
        ("POST", "/v1/reminders", {**reminder, "due_at": beyond}, "too_far_ahead"),
        ("POST", "/v1/appointments", {**new, "starts_at": OVERFLOW}, "validation_failed"),
        ("POST", "/v1/appointments", {**new, "starts_at": beyond}, "too_far_ahead"),
        ("PATCH", move, {"starts_at": OVERFLOW}, "validation_failed"),
        ("PATCH", move, {"starts_at": UNDERFLOW}, "validation_failed"),
        ("PATCH", move, {"starts_at": beyond}, "too_far_ahead"),
    ]
    wrong = []
    for method, path, payload, code in cases:
        status, body = await api.call(method, path, json=payload)
        if status != 422 or not _shaped(body) or body["error"]["code"] != code:
            wrong.append((method, path, payload, status, body))
    assert not wrong, wrong
    assert await written(api, quiet_nc, tenant, session) == before
    status, body = await api.call("GET", move)
    assert status == 200 and body["starts_at"] == appointment["starts_at"], body
