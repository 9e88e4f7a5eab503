"""Authentication and its limits over real HTTP, with a real NATS server and no services
behind it: every spelling of one credential spends one bucket, failed authentications are
limited per client address (behind a trusted proxy, the address it forwarded), and two
Authorization headers are refused."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

from runtime.bus import Bus
from runtime.settings import Settings
from services.gateway.app import create_app

ADMIN = "adm_auth_limits"
BURST, FAILURES = 4, 3


class Client:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url

    async def get(
        self, path: str, *authorization: str, forwarded_for: str = ""
    ) -> tuple[int, Any, dict[str, str]]:
        headers = CIMultiDict(("Authorization", value) for value in authorization)
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        async with self.http.get(self.url + path, headers=headers) as resp:
            return resp.status, await resp.json(), dict(resp.headers)


async def _serving(settings: Settings, **changes: Any) -> AsyncIterator[Client]:
    tuned = msgspec.structs.replace(
        settings,
        admin_token=ADMIN,
        gateway_rate_per_s=0.01,
        gateway_rate_burst=BURST,
        gateway_auth_failures_per_s=0.01,
        gateway_auth_failures_burst=FAILURES,
        **changes,
    )
    server = TestServer(create_app(tuned))
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Client(http, str(server.make_url("")).rstrip("/"))
    await server.close()


@pytest.fixture
async def gateway(settings: Settings, bus: Bus) -> AsyncIterator[Client]:
    async for client in _serving(settings):
        yield client


@pytest.fixture
async def proxied(settings: Settings, bus: Bus) -> AsyncIterator[Client]:
    """A gateway behind a reverse proxy on loopback, which it trusts."""
    async for client in _serving(settings, gateway_trusted_proxies="127.0.0.0/8"):
        yield client


async def test_every_spelling_of_a_credential_spends_the_same_bucket(gateway: Client) -> None:
    spellings = [f"Bearer {ADMIN}", f"bearer {ADMIN}", f"BEARER  {ADMIN}", f"Bearer {ADMIN}  "]
    assert [(await gateway.get("/v1/tenants", s))[0] for s in spellings] == [200] * BURST
    status, body, headers = await gateway.get("/v1/tenants", f"bEaReR   {ADMIN}")
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert int(headers["Retry-After"]) > 0


async def test_many_unknown_keys_from_one_address_get_429(gateway: Client) -> None:
    unknown = [f"Bearer wa_unknown_{i}" for i in range(FAILURES)]
    assert [(await gateway.get("/v1/sessions", u))[0] for u in unknown] == [401] * FAILURES
    status, body, headers = await gateway.get("/v1/sessions", "Bearer wa_unknown_next")
    assert status == 429 and body["error"] == {
        "code": "rate_limited",
        "message": "too many failed authentications from this address",
        "details": {"retry_after_s": pytest.approx(100.0, abs=1.0)},
    }
    assert int(headers["Retry-After"]) >= 99
    assert (await gateway.get("/v1/tenants", "Basic eDp5"))[0] == 429  # malformed: no lookup
    assert (await gateway.get("/v1/tenants", f"Bearer {ADMIN}"))[0] == 429  # until it refills
    assert (await gateway.get("/healthz"))[0] == 200  # probes are never limited


async def test_two_authorization_headers_are_refused(gateway: Client) -> None:
    for pair in [(f"Bearer {ADMIN}", "Bearer wa_other"), ("Bearer wa_other", f"Bearer {ADMIN}")]:
        status, body, _ = await gateway.get("/v1/tenants", *pair)
        assert status == 400 and body["error"]["code"] == "duplicate_header", pair
    assert (await gateway.get("/v1/tenants", f"Bearer {ADMIN}"))[0] == 200


async def test_a_client_cannot_dodge_the_limit_by_naming_another_address(gateway: Client) -> None:
    for n in range(FAILURES):
        status, _, _ = await gateway.get("/v1/sessions", "Bearer wa_x", forwarded_for=f"10.9.0.{n}")
        assert status == 401
    assert (await gateway.get("/v1/sessions", "Bearer wa_x", forwarded_for="10.9.1.1"))[0] == 429


async def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(proxied: Client) -> None:
    """The proxy is the TCP peer of every request: without trusting it, one client's failures
    would lock every client out."""
    attacker, other = "198.51.100.7", "203.0.113.20"
    for _ in range(FAILURES):
        assert (await proxied.get("/v1/sessions", "Bearer wa_x", forwarded_for=attacker))[0] == 401
    assert (await proxied.get("/v1/sessions", "Bearer wa_x", forwarded_for=attacker))[0] == 429
    spoofed = f"{other}, {attacker}"  # what the attacker wrote stays left of what the proxy saw
    assert (await proxied.get("/v1/tenants", f"Bearer {ADMIN}", forwarded_for=spoofed))[0] == 429
    assert (await proxied.get("/v1/tenants", f"Bearer {ADMIN}", forwarded_for=other))[0] == 200
