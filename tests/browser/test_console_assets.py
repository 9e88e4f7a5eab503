"""The console's files as the gateway serves them: content types, a strict policy, nothing else."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from services.gateway.console import routes as console


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    app.add_routes(console.routes)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "content_type", "marker"),
    [
        ("/", "text/html", "<title>WhatsApp console</title>"),
        ("/console/main.js", "text/javascript", "startEvents"),
        ("/console/sessions/qr.js", "text/javascript", "function wantsQr"),
        ("/console/inbox/message.js", "text/javascript", 'dir: "auto"'),
        ("/console/style.css", "text/css", ".badge"),
        ("/console/inbox/inbox.css", "text/css", ".messages"),
        ("/console/core/poll.js", "text/javascript", "visibilitychange"),
        ("/console/webhooks/list.js", "text/javascript", "redeliver"),
    ],
)
async def test_serves_each_file_with_a_strict_policy(
    client: TestClient[web.Request, web.Application], path: str, content_type: str, marker: str
) -> None:
    resp = await client.get(path)
    assert resp.status == 200 and resp.content_type == content_type
    assert marker in await resp.text()
    policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "media-src 'self' blob:;" in policy  # received voice notes and videos play from blobs
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/console/index.html",
        "/console/nope.js",
        "/console/..%2froutes.py",
        "/index.html",
        "/console/../routes.py",
        "/console/inbox/../../routes.py",
        "/console/inbox/",
        "/console/%2e%2e/__init__.py",
        "/console/inbox//message.js",
        "/console/__init__.py",
    ],
)
async def test_serves_nothing_else(
    client: TestClient[web.Request, web.Application], path: str
) -> None:
    assert (await client.get(path)).status == 404
