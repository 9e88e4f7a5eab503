"""A lock per session for taking it over: two takes of one session never overlap, while takes
of different sessions (1,000 creates, a restart) do."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

__all__ = ["TakeLocks"]


class TakeLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def holding(self, sessions: list[str]) -> AsyncIterator[None]:
        """Hold the locks of ``sessions``, taken always in the same order: no deadlock."""
        async with contextlib.AsyncExitStack() as stack:
            for session in sorted(set(sessions)):
                await stack.enter_async_context(self._locks.setdefault(session, asyncio.Lock()))
            yield
