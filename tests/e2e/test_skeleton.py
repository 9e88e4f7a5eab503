"""The walking skeleton: gateway → session → event log → store → gateway.

On the e2e package's shared stack; each test has a tenant of its own."""

import pytest
import pytest_asyncio

from cli.stack import LocalStack
from tests.support.http import Api
from tests.support.stacks import on_the_shared_stack

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()


@pytest_asyncio.fixture(loop_scope="package")
async def tenant(admin: Api) -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": "acme"})
    assert status == 201, body
    return admin.as_key(body["api_key"])


async def test_create_then_read_a_session(tenant: Api) -> None:
    status, created = await tenant.call("POST", "/v1/sessions", json={"name": "Sales number"})
    assert status == 201, created
    assert created["name"] == "Sales number" and created["status"] == "new"
    status, read = await tenant.call("GET", f"/v1/sessions/{created['id']}")
    assert status == 200 and read["id"] == created["id"]
    status, listed = await tenant.call("GET", "/v1/sessions")
    assert [s["id"] for s in listed["items"]] == [created["id"]]


async def test_names_are_labels_not_keys(tenant: Api) -> None:
    first = await tenant.call("POST", "/v1/sessions", json={"name": "Support"})
    second = await tenant.call("POST", "/v1/sessions", json={"name": "Support"})
    assert first[0] == second[0] == 201 and first[1]["id"] != second[1]["id"]


async def test_another_tenant_sees_nothing(admin: Api, tenant: Api) -> None:
    _, created = await tenant.call("POST", "/v1/sessions", json={"name": "Sales"})
    _, other = await admin.call("POST", "/v1/tenants", json={"name": "other"})
    intruder = admin.as_key(other["api_key"])
    assert (await intruder.call("GET", f"/v1/sessions/{created['id']}"))[0] == 404
    assert (await intruder.call("GET", "/v1/sessions"))[1]["items"] == []


async def test_bad_input_gets_a_clear_error(tenant: Api, stack: LocalStack) -> None:
    status, body = await tenant.call("POST", "/v1/sessions", data=b'{"name":')
    assert status == 400 and body["error"]["code"] == "malformed_json"
    status, body = await tenant.call("POST", "/v1/sessions", json={"name": ""})
    assert status == 422 and body["error"]["code"] == "validation_failed"
    status, body = await tenant.as_key("wrong").call("GET", "/v1/sessions")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert (await tenant.call("GET", "/v1/sessions"))[1]["items"] == []
    assert stack.exited() == []
