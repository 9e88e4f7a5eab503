"""A webhook receiver on loopback for the fault tests: answers 200, counts each event id."""

from collections import Counter

from aiohttp import web

from runtime.embedded_nats import free_port
from tests.support.http import Api


class WebhookReceiver:
    """Records ``X-WA-Event-Id`` of every delivery (the same event may arrive twice)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.seen: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._deliver)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _deliver(self, request: web.Request) -> web.Response:
        await request.read()
        self.seen[request.headers["X-WA-Event-Id"]] += 1
        return web.Response(status=200)

    async def register(self, api: Api, session: str) -> None:
        """A webhook for the session's message events."""
        body = {"url": self.url, "events": ["message.*"], "session_id": session}
        status, answer = await api.call("POST", "/v1/webhooks", json=body)
        assert status == 201, answer
