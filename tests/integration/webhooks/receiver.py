"""A real HTTP receiver on loopback that fails on purpose, for the webhook tests."""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from runtime.embedded_nats import free_port

HANG = -1  # a response code that means: never answer (the sender times out)


@dataclass(frozen=True)
class Hit:
    """One request as the receiver saw it; ``nth`` counts requests for the same event id."""

    at: float
    nth: int
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def event(self) -> dict[str, object]:
        value: dict[str, object] = json.loads(self.body)
        return value

    @property
    def event_id(self) -> str:
        return self.headers.get("X-WA-Event-Id", "")

    @property
    def session(self) -> str:
        return str(self.event["session"])


def always_ok(_: int, __: dict[str, object]) -> int:
    return 200


@dataclass
class Receiver:
    """``respond(nth, event)`` picks the status of each request (or HANG)."""

    respond: Callable[[int, dict[str, object]], int] = always_ok
    hits: list[Hit] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        event_id = request.headers.get("X-WA-Event-Id", "")
        nth = 1 + sum(1 for hit in self.hits if hit.event_id == event_id)
        status = self.respond(nth, json.loads(body))
        self.hits.append(Hit(time.time(), nth, dict(request.headers), body, status))
        if status == HANG:
            await self._released.wait()
            status = 200
        return web.Response(status=status, text="ok" if status < 300 else "nope")

    def ok(self, session: str | None = None) -> list[Hit]:
        """Requests answered with 2xx, in arrival order (optionally of one session)."""
        return [
            h
            for h in self.hits
            if 200 <= h.answered < 300 and (session is None or h.session == session)
        ]

    async def got(self, n: int = 1) -> list[Hit]:
        """For ``eventually``: the 2xx requests once there are ``n`` of them, else []."""
        found = self.ok()
        return found if len(found) >= n else []

    def of_event(self, event_id: str) -> list[Hit]:
        return [h for h in self.hits if h.event_id == event_id]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        self._released.set()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> "Receiver":
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
