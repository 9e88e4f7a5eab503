"""Reading a Server-Sent Events stream in tests: events and comment lines, with a deadline."""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class SseEvent:
    id: str | None = None
    event: str | None = None
    data_lines: list[str] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return json.loads("\n".join(self.data_lines))


@dataclass
class SseReader:
    """Parses a response body as SSE; ``comments`` collects ``: …`` lines; ``last_id`` is the
    last ``id:`` read, as an EventSource keeps it (also from a frame without data)."""

    response: aiohttp.ClientResponse
    comments: list[str] = field(default_factory=list)
    last_id: str | None = None

    async def opening(self, timeout: float = 10.0) -> str | None:
        """Read the stream's first frame (it carries no event); answers ``last_id``."""

        async def first_frame() -> None:
            while line := await self._line():
                name, _, value = line.partition(":")
                if name == "id":
                    self.last_id = value.removeprefix(" ")

        await asyncio.wait_for(first_frame(), timeout)
        return self.last_id

    async def next_event(self, timeout: float = 10.0) -> SseEvent:
        return await asyncio.wait_for(self._next_event(), timeout)

    async def events(self, count: int, timeout: float = 10.0) -> list[SseEvent]:
        return [await self.next_event(timeout) for _ in range(count)]

    async def until_comment(self, text: str, timeout: float = 10.0) -> None:
        async def wait() -> None:
            while not any(text in c for c in self.comments):
                await self._line()

        await asyncio.wait_for(wait(), timeout)

    async def _line(self) -> str:
        raw = await self.response.content.readline()
        if not raw:
            raise EOFError("the stream ended")
        line = raw.decode().rstrip("\r\n")
        if line.startswith(":"):
            self.comments.append(line[1:].strip())
        return line

    async def _next_event(self) -> SseEvent:
        current = SseEvent()
        while True:
            line = await self._line()
            if not line:
                if current.data_lines:
                    return current
                current = SseEvent()
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "id":
                current.id = self.last_id = value
            elif name == "event":
                current.event = value
            elif name == "data":
                current.data_lines.append(value)
