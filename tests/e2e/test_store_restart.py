"""The whole stack: the store killed with SIGKILL and started again loses nothing, and
sessions created while it was down show up once it has caught up."""

from cli.stack import LocalStack
from tests.support.http import Api
from tests.support.waiting import eventually


async def test_a_store_killed_and_restarted_serves_everything(
    tenant: Api, stack: LocalStack
) -> None:
    status, first = await tenant.call("POST", "/v1/sessions", json={"name": "Sales number"})
    assert status == 201, first
    stack.kill("store")
    stack.start_service("store")

    async def listed() -> list[str]:
        status, body = await tenant.call("GET", "/v1/sessions")
        return [s["id"] for s in body["items"]] if status == 200 else []

    assert await eventually(listed, timeout=30) == [first["id"]]
    status, second = await tenant.call("POST", "/v1/sessions", json={"name": "Support"})
    assert status == 201, second
    assert sorted(await listed()) == sorted([first["id"], second["id"]])
    status, read = await tenant.call("GET", f"/v1/sessions/{first['id']}")
    assert status == 200 and read["name"] == "Sales number" and read["status"] == "new"
    assert stack.exited() == []
