"""What the inbox's browser tests share: one stack and one Chromium for the module, a real
PNG, the simulator's records, screenshots (into docs/ only when asked), the page's requests."""

import os
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
import pytest_asyncio
from nats.aio.client import Client
from playwright.async_api import BrowserContext, ConsoleMessage, Page, Request, async_playwright

from cli.stack import LocalStack
from contracts.simulator import SimSent, SimSentMessage, SimSentReply
from contracts.subjects import sim_subject
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

__all__ = ["Watch", "browser", "png", "screenshot", "sent_by_sim", "sim", "stack"]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ENV = {
    "PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json", "WA_GATEWAY_RATE_PER_S": "0",
    "WA_SEND_MIN_SPACING_S": "0", "WA_SEND_JITTER_S": "0", "WA_SEND_BURST": "50",
    "WA_MEDIA_DOWNLOAD_BACKOFF_S": "0.05",
}  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    local = LocalStack(tmp_path_factory.mktemp("inbox") / "var", env=ENV)
    try:  # a stack that failed to start is stopped too: no services left running
        await local.start(timeout=90)
        yield local
    finally:
        local.stop()
    assert local.permission_violations() == []


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim(stack: LocalStack) -> AsyncIterator[Client]:
    nc = await stack.connect_operator()
    yield nc
    await nc.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(
    tmp_path_factory: pytest.TempPathFactory, stack: LocalStack
) -> AsyncIterator[BrowserContext]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (scripts/test installs it: apt-get install chromium)")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 800},
        )
        yield context
        await context.close()


async def sent_by_sim(sim: Client, session: str) -> list[SimSentMessage]:
    """What the simulated WhatsApp was sent for ``session`` (messages and actions)."""
    request = msgspec.json.encode(SimSent(session=session))
    msg = await sim.request(sim_subject("sent"), request, timeout=10)
    return msgspec.json.decode(msg.data, type=SimSentReply).sent


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG (a browser decodes it) of one colour with a darker diagonal band."""
    dark = bytes(c // 2 for c in rgb)
    rows = b"".join(
        b"\x00" + b"".join(dark if abs(x - y) < 6 else bytes(rgb) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    image = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + image


async def screenshot(page: Page, name: str, tmp: Path) -> Path:
    """docs/screenshots/<name>.png with WA_UPDATE_SCREENSHOTS=1, else a temporary file."""
    folder = DOCS if os.environ.get("WA_UPDATE_SCREENSHOTS") == "1" else tmp
    path = folder / f"{name}.png"
    await page.screenshot(path=path, full_page=True, animations="disabled")
    return path


class Watch:
    """Every request the page makes from now on, and every uncaught error or blocked load."""

    def __init__(self, page: Page) -> None:
        self.all: list[Request] = []
        self.problems: list[str] = []
        page.on("request", lambda request: self.all.append(request))
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("console", self._console)
        page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(message.text)

    def made(self, method: str, suffix: str) -> list[str]:
        return [
            r.url for r in self.all if r.method == method and r.url.split("?")[0].endswith(suffix)
        ]

    async def settled(self, page: Page) -> None:
        """Once a request the page makes now is seen, so is any request it made before."""
        async with page.expect_request("**/healthz"):
            await page.evaluate("fetch('/healthz')")
