"""The gateway's v1 API over real HTTP against the whole stack (simulated WhatsApp); its
property-based fuzz is in test_gateway_fuzz.py.

On the e2e package's shared stack; every test makes its own tenants.
Limits (429, 503, 413) are in tests/integration/gateway/test_limits.py."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nats.aio.client import Client

from contracts.simulator import SimDrop, SimIncoming, SimReceipt, SimScan
from tests.integration.gateway.sse_client import SseReader
from tests.support.http import Api
from tests.support.sessions import (
    PHONE,
    connected_session,
    drive,
    new_session,
    new_tenant,
    status_is,
)
from tests.support.stacks import on_the_shared_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()

PEER = "+201000000001"


def code(body: Any) -> str:
    return str(body["error"]["code"])


async def test_admin_manages_tenants_and_rotates_keys(admin: Api) -> None:
    status, created = await admin.call("POST", "/v1/tenants", json={"name": "rotating"})
    assert status == 201 and created["api_key"].startswith("wa_")
    old = admin.as_key(created["api_key"])
    status, listed = await admin.call("GET", "/v1/tenants")
    assert status == 200 and created["id"] in {t["id"] for t in listed["items"]}
    assert all("api_key" not in t and "key_hash" not in t for t in listed["items"])
    assert (await old.call("GET", "/v1/sessions"))[0] == 200

    status, rotated = await admin.call("POST", f"/v1/tenants/{created['id']}/keys")
    assert status == 201 and rotated["id"] == created["id"]
    assert rotated["api_key"] != created["api_key"]
    status, body = await old.call("GET", "/v1/sessions")
    assert status == 401 and code(body) == "unauthorized"
    assert (await old.as_key(rotated["api_key"]).call("GET", "/v1/sessions"))[0] == 200

    for tenant_id in ("01a1fd65-0000-7000-8000-000000000000", "bad%20id", "x" * 65):
        status, body = await admin.call("POST", f"/v1/tenants/{tenant_id}/keys")
        assert status == 404 and code(body) == "not_found"


async def test_each_credential_opens_only_its_own_doors(admin: Api) -> None:
    tenant = await new_tenant(admin)
    assert (await tenant.call("GET", "/v1/tenants"))[0] == 401
    assert (await tenant.call("POST", "/v1/tenants", json={"name": "x"}))[0] == 401
    assert (await admin.call("GET", "/v1/sessions"))[0] == 401
    for key in ("", "wa_unknown", "Ω-not-ascii", "x" * 5000):
        status, body = await admin.as_key(key).call("GET", "/v1/sessions")
        assert status == 401 and code(body) == "unauthorized", key
    async with admin.http.get(
        admin.base + "/v1/sessions", headers={"Authorization": "Basic x"}
    ) as r:
        assert r.status == 401


async def test_pair_by_qr_then_send_and_read_messages(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    session = await new_session(api)
    status, body = await api.call("GET", f"/v1/sessions/{session}/qr")
    assert status == 409 and code(body) == "not_pairing"
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "text": "x"}
    )
    assert status == 409 and code(body) == "not_connected"

    assert (await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "qr"}))[0] == 202
    status, qr = await api.call("GET", f"/v1/sessions/{session}/qr")
    assert status == 200 and qr["qr"] and qr["expires_at"]
    headers = {"Authorization": f"Bearer {api.key}", "Accept": "image/png"}
    async with api.http.get(f"{api.base}/v1/sessions/{session}/qr", headers=headers) as resp:
        assert resp.status == 200 and resp.content_type == "image/png"
        assert (await resp.read()).startswith(b"\x89PNG\r\n\x1a\n")

    await drive(sim, "scan", SimScan(session=session, phone=PHONE))
    await eventually(lambda: status_is(api, session, "connected"))
    _, view = await api.call("GET", f"/v1/sessions/{session}")
    assert view["phone_number"] == PHONE and view["jid"].startswith("201234567890")
    for path, payload in (
        ("pair", {"method": "qr"}),
        ("pair", {"method": "phone", "phone": PHONE}),
    ):
        status, body = await api.call("POST", f"/v1/sessions/{session}/{path}", json=payload)
        assert status == 409 and code(body) == "already_connected"
    assert (await api.call("GET", f"/v1/sessions/{session}/qr"))[0] == 409

    status, sent = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "text": "hello"}
    )
    assert status == 202 and sent["status"] == "queued"
    message = f"/v1/sessions/{session}/messages/{sent['id']}"

    async def delivered() -> Any:
        body = (await api.call("GET", message))[1]
        return body if body.get("status") in ("sent", "delivered") else None

    got = await eventually(delivered)
    assert got["chat_jid"] == "201000000001@s.whatsapp.net" and got["attempts"] >= 1
    await drive(sim, "receipt", SimReceipt(session=session, message_id=sent["id"]))
    await eventually(lambda: _field_is(api, message, "status", "delivered"))

    await drive(
        sim,
        "incoming",
        SimIncoming(
            session=session, sender="201000000002@s.whatsapp.net", text="hi", push_name="Bob"
        ),
    )
    listed = await eventually(lambda: _items(api, f"/v1/sessions/{session}/messages", 2))
    assert {m["text"] for m in listed} == {"hello", "hi"}
    status, chat = await api.call("GET", f"/v1/sessions/{session}/messages?chat=%2B201000000002")
    assert status == 200 and [m["text"] for m in chat["items"]] == ["hi"]
    status, page = await api.call("GET", f"/v1/sessions/{session}/messages?limit=1")
    assert len(page["items"]) == 1 and page["next_cursor"]
    status, rest = await api.call(
        "GET", f"/v1/sessions/{session}/messages?limit=1&cursor={page['next_cursor']}"
    )
    assert [m["message_id"] for m in page["items"] + rest["items"]] == [
        m["message_id"] for m in listed
    ]
    contacts = await eventually(lambda: _items(api, f"/v1/sessions/{session}/contacts", 1))
    assert any(c["push_name"] == "Bob" for c in contacts)

    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": "12@bogus", "text": "x"}
    )
    assert status == 422 and code(body) == "invalid_address"
    assert body["error"]["details"]["reason"] == "unknown_server"
    status, body = await api.call("GET", f"/v1/sessions/{session}/messages/nope-not-there")
    assert status == 404 and code(body) == "not_found"


async def _field_is(api: Api, path: str, name: str, wanted: str) -> bool:
    return bool((await api.call("GET", path))[1].get(name) == wanted)


async def _items(api: Api, path: str, count: int) -> list[Any]:
    status, body = await api.call("GET", path)
    return body["items"] if status == 200 and len(body["items"]) >= count else []


async def test_pair_by_phone_code_logout_reconnect_delete(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    session = await new_session(api)
    status, body = await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "phone"})
    assert status == 422 and body["error"]["details"] == {"field": "phone"}
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/pair", json={"method": "phone", "phone": "12@g.us"}
    )
    assert status == 422 and code(body) == "invalid_address"
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/pair", json={"method": "phone", "phone": PHONE}
    )
    assert status == 202 and body["pairing_code"] and body["method"] == "phone"
    await drive(sim, "scan", SimScan(session=session, phone=PHONE))
    await eventually(lambda: status_is(api, session, "connected"))

    status, body = await api.call("POST", f"/v1/sessions/{session}/logout")
    assert status == 202 and body["status"] == "logged_out"
    assert await status_is(api, session, "logged_out")
    status, body = await api.call("POST", f"/v1/sessions/{session}/reconnect")
    assert status == 409 and code(body) == "not_paired"
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "text": "x"}
    )
    assert status == 409 and code(body) == "not_connected"

    status, _ = await api.call("DELETE", f"/v1/sessions/{session}")
    assert status == 204
    assert await status_is(api, session, "deleted")


async def test_a_session_that_needs_attention_is_reconnected_on_request(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    status, body = await api.call("POST", f"/v1/sessions/{session}/reconnect")
    assert status == 409 and code(body) == "already_connected"
    await drive(sim, "drop", SimDrop(session=session, reason="network"))
    await eventually(lambda: status_is(api, session, "needs_attention"))
    _, view = await api.call("GET", f"/v1/sessions/{session}")
    assert view["last_disconnect_reason"] == "network"
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "text": "x"}
    )
    assert status == 409 and code(body) == "not_connected"
    status, body = await api.call("POST", f"/v1/sessions/{session}/reconnect")
    assert status == 202, body
    await eventually(lambda: status_is(api, session, "connected"))


async def test_bad_input_gets_a_clear_error_never_a_500(admin: Api) -> None:
    api = await new_tenant(admin)
    session = await new_session(api)
    bodies: list[tuple[str, str, bytes, int]] = [
        ("POST", "/v1/sessions", b'{"name":', 400),
        ("POST", "/v1/sessions", b"\xff\xfe", 400),
        ("POST", "/v1/sessions", b"", 400),
        ("POST", "/v1/sessions", b"[]", 422),
        ("POST", "/v1/sessions", b'{"name": 12}', 422),
        ("POST", "/v1/sessions", b'{"name": "x", "admin": true}', 422),
        ("POST", "/v1/sessions", b'{"name": 1e999}', 422),
        ("POST", "/v1/sessions", b'{"name": "\\ud800"}', 400),
        ("POST", "/v1/sessions", b'{"name": "' + b"x" * 201 + b'"}', 422),
        ("POST", f"/v1/sessions/{session}/pair", b'{"method": "carrier-pigeon"}', 422),
        (
            "POST",
            f"/v1/sessions/{session}/messages",
            b'{"to": 123456789012345678901234567890, "text": "x"}',
            422,
        ),
        (
            "POST",
            f"/v1/sessions/{session}/messages",
            b'{"to": "+20 100 000 0001", "text": ""}',
            422,
        ),
        (
            "POST",
            f"/v1/sessions/{session}/messages",
            b'{"to": "\\u0660\\u0661\\u0660\\u0660", "text": "x"}',
            422,
        ),
        (
            "POST",
            "/v1/reminders",
            b'{"session_id": "../x", "to": "1", "due_at": "2030-01-01T00:00:00Z"}',
            422,
        ),
        (
            "POST",
            "/v1/reminders",
            b'{"session_id": "s", "to": "1", "due_at": "2030-01-01T00:00:00"}',
            422,
        ),
    ]
    for method, path, raw, expected in bodies:
        status, body = await api.call(method, path, data=raw)
        assert status == expected, (path, raw, body)
        assert set(body["error"]) == {"code", "message", "details"}
    for path in (
        "/v1/sessions/..%2F..%2Fetc",
        "/v1/sessions/%F0%9F%98%80",
        "/v1/sessions/" + "a" * 65,
        "/v1/sessions/a%00b",
        f"/v1/sessions/{session}/messages/%20",
        "/v1/reminders/%E2%80%AE",
        "/v1/appointments/-",
        "/v1/nothing-here",
    ):
        status, body = await api.call("GET", path)
        assert status == 404 and code(body) == "not_found", (path, body)
    for query in (
        "limit=0",
        "limit=201",
        "limit=abc",
        "limit=99999999999999999999",
        "chat=bogus@x",
    ):
        status, body = await api.call("GET", f"/v1/sessions/{session}/messages?{query}")
        assert status == 422, (query, body)
    status, body = await api.call("DELETE", "/v1/tenants")
    assert status == 405 and set(body["error"]) == {"code", "message", "details"}
    status, body = await api.call(
        "POST", "/v1/sessions", data=b'{"name": "' + b"x" * 300_000 + b'"}'
    )
    assert status == 413 and code(body) == "body_too_large"
    assert [s["id"] for s in (await api.call("GET", "/v1/sessions"))[1]["items"]] == [session]


async def test_another_tenant_gets_404_for_everything_and_sees_no_events(
    admin: Api, sim: Client
) -> None:
    owner = await new_tenant(admin, "owner")
    intruder = await new_tenant(admin, "intruder")
    async with _events(intruder) as spying, _events(owner) as watching:
        session = await connected_session(owner, sim)
        _, sent = await owner.call(
            "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "text": "secret"}
        )
        owners = SseReader(watching)
        seen = [await owners.next_event() for _ in range(3)]
        assert {e.data["session"] for e in seen} == {session}

        base = f"/v1/sessions/{session}"
        for method, path, payload in [
            ("GET", base, None),
            ("DELETE", base, None),
            ("POST", base + "/pair", {"method": "qr"}),
            ("GET", base + "/qr", None),
            ("POST", base + "/logout", None),
            ("POST", base + "/reconnect", None),
            ("POST", base + "/messages", {"to": PEER, "text": "x"}),
            ("GET", base + "/messages", None),
            ("GET", base + f"/messages/{sent['id']}", None),
            ("GET", base + "/contacts", None),
            ("GET", f"/v1/events?session_id={session}", None),
        ]:
            status, body = await intruder.call(method, path, json=payload)
            assert status == 404 and code(body) == "not_found", (method, path, body)
        assert (await intruder.call("GET", "/v1/sessions"))[1]["items"] == []
        assert await status_is(owner, session, "connected")  # the intruder changed nothing

        await owner.call("POST", "/v1/sessions", json={"name": "a marker"})
        marker = await owners.next_event()
        while marker.event != "session.created":
            marker = await owners.next_event()
        own = await new_session(intruder, "intruder's own")
        first = await SseReader(spying).next_event()
    assert first.data["session"] == own and first.data["tenant"] != seen[0].data["tenant"]
    assert int(first.id or 0) > int(marker.id or 0)  # everything of the owner's was skipped


def _events(api: Api, query: str = "", last_event_id: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {api.key}"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    return api.http.get(f"{api.base}/v1/events{query}", headers=headers)


async def test_sse_resumes_exactly_after_the_last_event_id(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    async with _events(api) as resp:
        assert resp.status == 200
        session = await connected_session(api, sim)
        reader = SseReader(resp)
        first = [await reader.next_event() for _ in range(3)]
    assert [e.event for e in first] == [
        "session.created",
        "session.pairing_started",
        "session.connected",
    ]
    headers = {"Authorization": f"Bearer {api.key}", "X-Request-ID": "req-logout-1"}
    async with api.http.post(f"{api.base}/v1/sessions/{session}/logout", headers=headers) as r:
        assert r.status == 202 and r.headers["X-Request-ID"] == "req-logout-1"
    async with _events(api, f"?session_id={session}", last_event_id=first[0].id) as resp:
        reader = SseReader(resp)
        again = [await reader.next_event() for _ in range(3)]
        await reader.until_comment("heartbeat", timeout=5)
    assert [e.id for e in again[:2]] == [e.id for e in first[1:]]
    assert again[2].event == "session.logged_out" and int(again[2].id or 0) > int(first[2].id or 0)
    assert again[2].data["correlation_id"] == "req-logout-1"  # the HTTP request, traceable
    async with _events(api, "?types=session.logged_out", last_event_id="0") as resp:
        only = await SseReader(resp).next_event()
    assert only.id == again[2].id


async def test_operations_endpoints(admin: Api) -> None:
    api = await new_tenant(admin, "ops")  # at least one session, so sessions by status shows
    assert (await api.call("POST", "/v1/sessions", json={"name": "ops"}))[0] == 201
    assert await admin.call("GET", "/healthz") == (200, {"status": "ok"})
    status, ready = await admin.call("GET", "/readyz")
    checks = ready["checks"]
    assert set(checks) == {"nats", "session", "store", "reminder", "webhooks"}, ready
    assert checks["nats"] == checks["session"] == checks["store"] == "ok", ready
    assert (status == 200) is ready["ready"] is all(v == "ok" for v in checks.values())
    status, spec = await admin.call("GET", "/openapi.json")
    assert status == 200 and spec["openapi"] == "3.1.0" and "/v1/events" in spec["paths"]
    async with admin.http.get(admin.base + "/docs") as resp:
        page = await resp.text()
        assert resp.status == 200 and resp.content_type == "text/html"
        assert "/openapi.json" in page and "https://" not in page  # served locally, no CDN
    async with admin.http.get(admin.base + "/metrics") as resp:
        text = await resp.text()
    assert resp.status == 200
    for name in (
        'wa_http_requests_total{method="GET",route="/openapi.json",status="200"}',
        "wa_http_request_duration_seconds_bucket",
        "wa_events_published ",
        "wa_events_projected ",
        "wa_sessions{",
        "wa_reconnect_attempts ",
        "wa_metrics_store_up 1.0",
        'wa_webhook_deliveries{status="dead"} 0.0',  # asked of the webhooks service
        "wa_metrics_webhooks_up 1.0",
    ):
        assert name in text, name


def _at(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def test_a_list_read_after_an_event_includes_what_it_changed(admin: Api) -> None:
    """What the console does with each reminder or appointment event: read after_event its id
    (the store waits for its projection to pass it, else 503); an id the log has not reached
    is the caller's mistake, 422 at once."""
    api = await new_tenant(admin)
    session = await new_session(api)
    async with _events(api, "?types=reminder.cancelled") as resp:
        later = {"session_id": session, "to": PEER, "text": "see you", "due_at": _at(hours=1)}
        _, reminder = await api.call("POST", "/v1/reminders", json=later)
        assert (await api.call("DELETE", f"/v1/reminders/{reminder['id']}"))[0] == 200
        cancelled = await SseReader(resp).next_event()
    query = f"status=cancelled&after_event={cancelled.id}"
    status, listed = await api.call("GET", f"/v1/reminders?{query}")
    assert status == 200 and [r["id"] for r in listed["items"]] == [reminder["id"]]
    for path in ("/v1/reminders", "/v1/appointments"):
        assert (await api.call("GET", f"{path}?after_event={cancelled.id}"))[0] == 200
        status, body = await api.call("GET", f"{path}?after_event={2**62}")  # not in the log
        assert (status, code(body)) == (422, "unknown_event"), body
        for bad in ("0", "x"):
            status, body = await api.call("GET", f"{path}?after_event={bad}")
            assert (status, code(body)) == (422, "validation_failed"), body


async def test_reminders_and_appointments(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    intruder = await new_tenant(admin, "intruder")
    session = await connected_session(api, sim)
    later = {"session_id": session, "to": PEER, "text": "see you", "due_at": _at(hours=1)}
    status, reminder = await api.call("POST", "/v1/reminders", json=later)
    assert status == 201 and reminder["status"] == "scheduled"
    assert reminder["to"] == "201000000001@s.whatsapp.net"
    one = f"/v1/reminders/{reminder['id']}"
    status, read = await api.call("GET", one)
    assert status == 200 and [h["event"] for h in read["history"]] == ["reminder.scheduled"]
    status, listed = await api.call("GET", f"/v1/reminders?session_id={session}&status=scheduled")
    assert [r["id"] for r in listed["items"]] == [reminder["id"]]

    for payload, status_code, error in (
        ({**later, "due_at": _at(hours=-1)}, 422, "due_in_past"),
        ({**later, "to": "not a number"}, 422, "invalid_address"),
        ({**later, "session_id": "no-such-session"}, 404, "not_found"),
    ):
        status, body = await api.call("POST", "/v1/reminders", json=payload)
        assert (status, code(body)) == (status_code, error), body
    for method in ("GET", "DELETE"):
        assert (await intruder.call(method, one))[0] == 404
    status, _ = await intruder.call("POST", "/v1/reminders", json=later)
    assert status == 404  # another tenant's session is no session at all
    assert (await intruder.call("GET", "/v1/reminders"))[1]["items"] == []

    status, cancelled = await api.call("DELETE", one)
    assert status == 200 and cancelled["status"] == "cancelled"

    soon = {**later, "text": "now", "due_at": _at(seconds=1.5)}
    status, due = await api.call("POST", "/v1/reminders", json=soon)
    assert status == 201
    await eventually(
        lambda: _field_is(api, f"/v1/reminders/{due['id']}", "status", "sent"), timeout=30
    )

    meeting = {"session_id": session, "to": PEER, "title": "Dentist", "starts_at": _at(days=2)}
    status, appointment = await api.call("POST", "/v1/appointments", json=meeting)
    assert status == 201 and len(appointment["reminders"]) == 2  # PT24H and PT1H by default
    path = f"/v1/appointments/{appointment['id']}"
    status, moved = await api.call(
        "PATCH", path, json={"starts_at": _at(days=3), "remind_before": ["PT2H"]}
    )
    assert status == 200 and moved["starts_at"] > appointment["starts_at"]
    assert [r["status"] for r in moved["reminders"] if r["status"] == "scheduled"] == ["scheduled"]
    attempts: list[tuple[str, dict[str, str] | None]] = [
        ("GET", None),
        ("PATCH", {"title": "x"}),
        ("DELETE", None),
    ]
    for method, attempt in attempts:
        assert (await intruder.call(method, path, json=attempt))[0] == 404
    assert (await api.call("GET", path))[1]["status"] == "scheduled"
    status, gone = await api.call("DELETE", path)
    assert status == 200 and gone["status"] == "cancelled"
    status, body = await api.call("PATCH", path, json={"title": "too late"})
    assert status == 409 and code(body) == "already_final"
    no_leads = {**meeting, "remind_before": []}
    status, body = await api.call("POST", "/v1/appointments", json=no_leads)
    assert status == 422 and code(body) == "validation_failed"
