"""What the inbox's browser tests share: one stack and one Chromium for the module, a real
PNG, screenshots (into docs/ only when asked), the page's requests; and, from the media
tests, the simulator's control connection and what it was sent."""

import io
import os
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PIL import Image, ImageDraw
from playwright.async_api import BrowserContext, ConsoleMessage, Page, Request, Response

from cli.stack import LocalStack
from tests.browser.conftest import chromium
from tests.e2e.test_media import sent_by_sim, sim
from tests.support.stacks import running_stack

__all__ = ["Watch", "browser", "png", "screenshot", "sent_by_sim", "sim", "stack", "webp"]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ENV = {
    "WA_GATEWAY_RATE_PER_S": "0", "WA_SEND_MIN_SPACING_S": "0", "WA_SEND_JITTER_S": "0",
    "WA_SEND_BURST": "50", "WA_MEDIA_DOWNLOAD_BACKOFF_S": "0.05",
}  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    async with running_stack(tmp_path_factory.mktemp("inbox") / "var", ENV, timeout=90) as local:
        yield local


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(
    tmp_path_factory: pytest.TempPathFactory, stack: LocalStack
) -> AsyncIterator[BrowserContext]:
    """After the stack (so it closes first); one Chromium for the module, a tab per test."""
    async with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


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


def webp(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A real WebP sticker (a browser decodes it): a disc of one colour on transparency."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), fill=(*rgb, 255))
    out = io.BytesIO()
    image.save(out, format="WEBP")
    return out.getvalue()


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
        self.dropping = False  # from now on a mark-read may cross the drop (409, nothing sent)
        page.on("request", lambda request: self.all.append(request))
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("console", self._console)
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        raced = self.dropping and response.status == 409 and response.url.endswith("/read")
        if response.status >= 400 and not raced:
            self.problems.append(f"{response.status} {response.url}")

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
