"""What the inbox's browser tests share: a real PNG and WebP, the page's requests, and (from
the media tests) what the simulator was sent."""

import io
import struct
import zlib

from PIL import Image, ImageDraw
from playwright.async_api import ConsoleMessage, Page, Request, Response

from tests.e2e.test_media import sent_by_sim

__all__ = ["Watch", "png", "sent_by_sim", "webp"]


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
