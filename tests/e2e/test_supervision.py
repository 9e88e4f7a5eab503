"""A supervised stack (as ``wa up`` runs it): a service that keeps crashing is restarted up
to the limit, then given up, and the other services keep serving."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cli.stack import LocalStack
from tests.support.http import Api
from tests.support.stacks import running_stack
from tests.support.waiting import eventually

ENV = {
    "PATH": "/usr/bin:/bin",
    "WA_LOG_FORMAT": "json",
    "WA_RESTART_BASE_S": "0.1",
    "WA_RESTART_CAP_S": "0.2",
    "WA_RESTART_LIMIT": "2",
    "WA_RESTART_WINDOW_S": "600",
}


@pytest.fixture
async def supervised(tmp_path: Path) -> AsyncIterator[LocalStack]:
    async with running_stack(tmp_path / "var", ENV, supervise=True) as local:
        yield local


async def test_a_service_that_keeps_crashing_is_given_up_and_the_others_serve(
    supervised: LocalStack,
) -> None:
    assert supervised.supervisor is not None
    supervised.env["WA_REMINDER_MAX_ATTEMPTS"] = "many"  # each start from now on fails at once
    supervised.kill("reminder")

    async def given_up() -> bool:
        return supervised.exited() == ["reminder"]

    await eventually(given_up, timeout=60, interval=0.1)
    assert supervised.supervisor.given_up() == ["reminder"]
    assert supervised.supervisor.restarts == {"reminder": 2}  # the limit, then no more
    async with aiohttp.ClientSession() as http:
        admin = Api(http, supervised.url, supervised.admin_token)
        status, body = await admin.call("POST", "/v1/tenants", json={"name": "acme"})
        assert status == 201, body
        tenant = admin.as_key(body["api_key"])
        status, body = await tenant.call("POST", "/v1/sessions", json={"name": "Sales"})
        assert status == 201, body  # gateway, session service and store serve
        status, body = await tenant.call("GET", f"/v1/sessions/{body['id']}")
        assert status == 200 and body["status"] == "new", body
        status, ready = await admin.call("GET", "/readyz")
    assert status == 503 and ready["checks"]["reminder"] == "down", ready
    assert {k: v for k, v in ready["checks"].items() if k != "reminder"} == {
        "nats": "ok", "session": "ok", "store": "ok", "webhooks": "ok"
    }  # fmt: skip
    assert sorted(supervised.procs) == sorted(supervised.services)
    assert all(supervised.procs[n].poll() is None for n in supervised.services if n != "reminder")
