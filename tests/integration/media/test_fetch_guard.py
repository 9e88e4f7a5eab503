"""The media fetch's guard (runtime.public_http, the webhooks' own): a loopback host is refused
unless the loopback-only allowance is on, and that allowance never admits a private host."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from runtime.public_http.addresses import is_admitted_address
from runtime.public_http.client import BLOCKED, open_client
from runtime.public_http.targets import BadTarget, check_target


@pytest.fixture
async def loopback_url() -> AsyncIterator[str]:
    async def serve(_: web.Request) -> web.Response:
        return web.Response(body=b"file")

    app = web.Application()
    app.router.add_get("/f", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/f"
    await runner.cleanup()


async def test_loopback_is_refused_by_default_on_the_url_and_at_the_connection(
    loopback_url: str,
) -> None:
    with pytest.raises(BadTarget) as refused:
        check_target(loopback_url)
    assert refused.value.reason == "private_address"
    async with open_client(allow_private=False) as http:  # even past the URL check
        with pytest.raises(aiohttp.ClientConnectorError) as caught:
            await http.get(loopback_url)
    assert BLOCKED in str(caught.value.os_error)


async def test_the_loopback_allowance_admits_loopback_and_nothing_private(
    loopback_url: str,
) -> None:
    check_target(loopback_url, allow_loopback=True)
    async with (
        open_client(allow_private=False, allow_loopback=True) as http,
        http.get(loopback_url) as resp,
    ):
        assert resp.status == 200 and await resp.read() == b"file"
    private = ["http://10.0.0.1/", "http://192.168.1.1/", "http://169.254.169.254/",
               "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/", "http://localhost/"]  # fmt: skip
    for url in private:
        with pytest.raises(BadTarget):
            check_target(url, allow_loopback=True)
    assert is_admitted_address("::1", loopback=True) and not is_admitted_address("::1")
    assert not is_admitted_address("10.0.0.1", loopback=True)
