"""Through HTTP on the whole stack: a plain reminder moved (PATCH, idempotent), refused in the
one error shape once it can no longer move; appointments listed by start a page at a time,
never another tenant's. On the e2e package's shared stack."""

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from cli.stack import LocalStack
from tests.support.http import Api
from tests.support.stacks import on_the_shared_stack

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack = on_the_shared_stack()[0]
TO = "01001234568"


def hours(n: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=n)).isoformat()


async def tenant(admin: Api, name: str) -> tuple[Api, str]:
    status, created = await admin.call("POST", "/v1/tenants", json={"name": name})
    assert status == 201, created
    api = admin.as_key(created["api_key"])
    status, body = await api.call("POST", "/v1/sessions", json={"name": "Front desk"})
    assert status == 201, body
    return api, body["id"]


async def test_a_reminder_moves_and_appointments_page_by_start(stack: LocalStack) -> None:
    async with aiohttp.ClientSession() as http:
        admin = Api(http, stack.url, stack.admin_token)
        api, session = await tenant(admin, "dentist")
        other, other_session = await tenant(admin, "bakery")
        first = {"session_id": session, "to": TO, "due_at": hours(1), "text": "Bring your card"}
        status, made = await api.call("POST", "/v1/reminders", json=first)
        assert status == 201, made
        one = f"/v1/reminders/{made['id']}"
        due = hours(5)
        key = {"Idempotency-Key": "move-1"}
        status, moved = await api.call("PATCH", one, json={"due_at": due}, headers=key)
        assert status == 200, moved
        assert datetime.fromisoformat(moved["due_at"]) == datetime.fromisoformat(due)
        assert moved["status"] == "scheduled" and moved["text"] == "Bring your card"
        assert [h["event"] for h in moved["history"]][-1] == "reminder.rescheduled"
        status, again = await api.call("PATCH", one, json={"due_at": due}, headers=key)
        assert (status, again) == (200, moved)
        status, theirs = await other.call("PATCH", one, json={"due_at": due})
        assert status == 404 and theirs["error"]["code"] == "not_found"
        status, bad = await api.call("PATCH", one, json={"due_at": "tomorrow"})
        assert status == 422 and bad["error"]["code"] == "validation_failed"
        assert (await api.call("DELETE", one))[0] == 200
        status, final = await api.call("PATCH", one, json={"due_at": hours(6)})
        assert status == 409 and final["error"]["code"] == "already_final", final

        ids = []
        for title, start in [("Late", 50), ("Early", 30), ("Middle", 40)]:
            body = {"session_id": session, "to": TO, "title": title, "starts_at": hours(start)}
            status, appt = await api.call("POST", "/v1/appointments", json=body)
            assert status == 201, appt
            ids.append(appt["id"])
        cake = {"session_id": other_session, "to": TO, "title": "Cake", "starts_at": hours(3)}
        status, theirs = await other.call("POST", "/v1/appointments", json=cake)
        assert status == 201, theirs
        seen, cursor = [], ""
        while True:
            status, page = await api.call("GET", f"/v1/appointments?limit=2{cursor}")
            assert status == 200 and len(page["items"]) <= 2, page
            seen += [(a["title"], len(a["reminders"])) for a in page["items"]]
            if page["next_cursor"] is None:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert seen == [("Early", 2), ("Middle", 2), ("Late", 2)]  # default leads: P1D, PT1H
        reminder_of = (await api.call("GET", f"/v1/appointments/{ids[0]}"))[1]["reminders"][0]
        status, part = await api.call(
            "PATCH", f"/v1/reminders/{reminder_of['id']}", json={"due_at": hours(2)}
        )
        assert status == 409 and part["error"]["code"] == "part_of_appointment", part
        assert (await api.call("DELETE", f"/v1/appointments/{ids[0]}"))[0] == 200
        status, live = await api.call("GET", "/v1/appointments?status=scheduled")
        assert [a["title"] for a in live["items"]] == ["Early", "Middle"]
        status, none = await api.call("GET", f"/v1/appointments?session_id={other_session}")
        assert status == 200 and none["items"] == []
