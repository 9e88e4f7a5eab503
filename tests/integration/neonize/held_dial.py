"""A proxy that accepts WhatsApp dials and never answers: neonize clients stay mid-connect.

whatsmeow dials through ``HTTPS_PROXY``; pointed here, each running client holds one
connection (and one worker thread) until it is stopped, instead of failing at once.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

__all__ = ["HeldDials", "held_dials"]


class HeldDials:
    def __init__(self) -> None:
        self.writers: list[asyncio.StreamWriter] = []

    async def _hold(self, _: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)

    async def count(self) -> int:
        return len(self.writers)

    def release(self) -> None:
        """Ends every held dial (it fails at once), so stopping a client does not wait on it."""
        for writer in self.writers:
            writer.close()


@asynccontextmanager
async def held_dials(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HeldDials]:
    dials = HeldDials()
    server = await asyncio.start_server(dials._hold, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, url)  # worker processes inherit it
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        yield dials
    finally:
        dials.release()
        server.close()
