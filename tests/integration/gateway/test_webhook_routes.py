"""The gateway's webhook routes against a stand-in webhooks service on real NATS: the query
string is read by the declared parameters alone, and what the service is asked is exactly
what the caller may ask (its tenant, the dead letters only on /dead-letters)."""

from collections.abc import AsyncIterator

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer

from contracts.commands import Refused
from contracts.subjects import webhooks_subject
from contracts.webhooks import DeliveryList, ListDeliveries, WebhookReply, WebhookRequest
from runtime.bus import Bus
from runtime.rpc import serve_typed
from runtime.settings import Settings
from services.gateway.app import create_app

ADMIN = "adm_webhook_routes"
HOOK = "01JABCDEFGHJKMNPQRSTVWXYZ0"


@pytest.fixture
async def asked(bus: Bus) -> AsyncIterator[list[WebhookRequest]]:
    """What the stand-in webhooks service was asked; it answers every log with no items."""
    seen: list[WebhookRequest] = []

    async def answer(request: WebhookRequest) -> WebhookReply:
        seen.append(request)
        if isinstance(request, ListDeliveries):
            return DeliveryList(items=[])
        return Refused(code="not_found", message="no such webhook")

    sub = await serve_typed(
        bus.nc, webhooks_subject(), WebhookRequest, answer, queue="webhooks", malformed="bad"
    )
    yield seen
    await sub.unsubscribe()


@pytest.fixture
async def call(settings: Settings) -> AsyncIterator[aiohttp.ClientSession]:
    """A client of the gateway, authenticated as a fresh tenant."""
    server = TestServer(create_app(msgspec.structs.replace(settings, admin_token=ADMIN)))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession(base) as admin:
        async with admin.post("/v1/tenants", json={"name": "t"}, headers=_auth(ADMIN)) as resp:
            key = (await resp.json())["api_key"]
        async with aiohttp.ClientSession(base, headers=_auth(key)) as tenant:
            yield tenant
    await server.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_log_is_asked_as_the_declared_parameters_read_it(
    call: aiohttp.ClientSession, asked: list[WebhookRequest]
) -> None:
    async with call.get(f"/v1/webhooks/{HOOK}/deliveries?status=dead&limit=7") as resp:
        assert (resp.status, await resp.json()) == (200, {"items": []})
    async with call.get(f"/v1/webhooks/{HOOK}/deliveries") as resp:
        assert resp.status == 200
    [first, plain] = asked
    assert isinstance(first, ListDeliveries) and isinstance(plain, ListDeliveries)
    assert (first.webhook, first.status, first.limit) == (HOOK, "dead", 7)
    assert (plain.status, plain.limit) == (None, 100)
    assert first.tenant == plain.tenant


async def test_the_dead_letters_are_never_another_status(
    call: aiohttp.ClientSession, asked: list[WebhookRequest]
) -> None:
    """``status`` is no parameter of /dead-letters: given anyway, it is ignored."""
    async with call.get(f"/v1/webhooks/{HOOK}/dead-letters?status=pending&limit=3") as resp:
        assert resp.status == 200
    [query] = asked
    assert isinstance(query, ListDeliveries) and (query.status, query.limit) == ("dead", 3)


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/webhooks/{HOOK}/deliveries?status=bogus",
        f"/v1/webhooks/{HOOK}/deliveries?limit=0",
        f"/v1/webhooks/{HOOK}/deliveries?limit=501",
        f"/v1/webhooks/{HOOK}/dead-letters?limit=x",
    ],
)
async def test_a_bad_query_string_is_refused_before_anything_is_asked(
    call: aiohttp.ClientSession, asked: list[WebhookRequest], path: str
) -> None:
    async with call.get(path) as resp:
        assert resp.status == 422
        assert (await resp.json())["error"]["code"] == "validation_failed"
    assert asked == []


async def test_a_malformed_id_is_not_found_and_a_refusal_is_its_error(
    call: aiohttp.ClientSession, asked: list[WebhookRequest]
) -> None:
    async with call.get("/v1/webhooks/not.an.id/deliveries") as resp:
        assert resp.status == 404
    assert asked == []
    async with call.get(f"/v1/webhooks/{HOOK}") as resp:
        assert (resp.status, (await resp.json())["error"]["code"]) == (404, "not_found")
