"""Other teams' credentials through the HTTP API, on the whole stack: issued by a tenant,
they read that tenant's events and no other's; revoked, they are cut off at once.

A stack per test, not the e2e package's shared one: issuing and revoking reload the NATS
server's users, and a reply a service sends after a reload to a request it got before it
is refused (a Publish Violation; the requester times out)."""

import pytest

from cli.stack import LocalStack
from runtime.nats_auth.credentials import Credentials
from tests.integration.bus.support import Watched, connect_when_accepted, read_own_events
from tests.support.http import Api
from tests.support.nats_refusal import refused
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(120)


async def test_issue_read_and_revoke_over_http(stack: LocalStack, admin: Api, tenant: Api) -> None:
    status, other = await admin.call("POST", "/v1/tenants", json={"name": "other"})
    assert status == 201
    other_api = admin.as_key(other["api_key"])
    assert (await other_api.call("POST", "/v1/sessions", json={"name": "theirs"}))[0] == 201
    status, mine = await tenant.call("POST", "/v1/sessions", json={"name": "mine"})
    assert status == 201

    status, issued = await tenant.call("POST", "/v1/bus-credentials", json={"name": "crm"})
    assert status == 201, issued
    assert issued["consumer"] == issued["user"] and issued["stream"] == "WA_EVENTS"
    status, listed = await tenant.call("GET", "/v1/bus-credentials")
    assert [c["id"] for c in listed["items"]] == [issued["id"]]
    assert "password" not in listed["items"][0]
    assert (await other_api.call("GET", "/v1/bus-credentials"))[1]["items"] == []

    reader = Watched()
    creds = Credentials(user=issued["user"], password=issued["password"])
    nc = await connect_when_accepted(stack.env["WA_NATS_URL"], creds, reader)
    tenant_id = issued["filter_subject"].split(".")[2]
    events = await read_own_events(nc, issued["user"], tenant_id, 1)
    assert mine["id"].encode() in events[0] and b"theirs" not in events[0]

    status, body = await other_api.call("DELETE", f"/v1/bus-credentials/{issued['id']}")
    assert status == 404, body  # another tenant's credential is not theirs to revoke
    assert (await tenant.call("DELETE", f"/v1/bus-credentials/{issued['id']}"))[0] == 204

    async def cut_off() -> bool:
        return not nc.is_connected

    await eventually(cut_off, timeout=15)
    assert await refused(stack.env["WA_NATS_URL"], user=creds.user, password=creds.password)
    assert (await tenant.call("GET", "/v1/bus-credentials"))[1]["items"] == []


async def test_the_admin_issues_for_a_tenant_and_anonymous_clients_are_refused(
    stack: LocalStack, admin: Api, tenant: Api
) -> None:
    assert await refused(stack.env["WA_NATS_URL"])
    tenants = (await admin.call("GET", "/v1/tenants"))[1]["items"]
    tenant_id = tenants[0]["id"]
    status, issued = await admin.call(
        "POST", f"/v1/tenants/{tenant_id}/bus-credentials", json={"name": "ops"}
    )
    assert status == 201, issued
    assert issued["filter_subject"] == f"wa.evt.{tenant_id}.>"
    status, _ = await admin.call("POST", "/v1/tenants/nope/bus-credentials", json={"name": "x"})
    assert status == 404
    path = f"/v1/tenants/{tenant_id}/bus-credentials/{issued['id']}"
    assert (await admin.call("DELETE", path))[0] == 204
    assert (await tenant.call("GET", "/v1/bus-credentials"))[1]["items"] == []
