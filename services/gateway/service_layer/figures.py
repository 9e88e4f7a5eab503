"""The platform figures behind ``/metrics`` (the store's counts, the log's last sequence, the
webhooks service's deliveries by status),
computed at most once per TTL by each gateway, however many scrapes come at once.

A scrape used to run the store's full-table counts every time, so scrapes in parallel slowed
every other query. Now a scrape renders what was last computed; when that is older than the
TTL, one computation runs and every scrape that arrives meanwhile waits for that same one."""

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable

import msgspec

from contracts.queries import Stats

__all__ = ["CachedFigures", "Figures", "FiguresSource"]


class Figures(msgspec.Struct, frozen=True, kw_only=True):
    stats: Stats | None  # None: the store did not answer
    last_sequence: int | None  # None: the log did not answer
    deliveries: dict[str, int] | None = None  # webhook deliveries by status; None: no answer


class FiguresSource(ABC):
    """Computes the platform figures afresh (the costly part: it asks the store)."""

    @abstractmethod
    async def read(self) -> Figures: ...


class CachedFigures:
    """Figures no older than ``ttl_s`` (by ``clock``), one computation at a time."""

    def __init__(self, source: FiguresSource, ttl_s: float, clock: Callable[[], float]) -> None:
        self._source = source
        self._ttl_s = ttl_s
        self._clock = clock
        self._last: Figures | None = None
        self._computed_at = 0.0
        self._computing: asyncio.Task[Figures] | None = None

    async def get(self) -> Figures:
        if self._last is not None and self._clock() - self._computed_at < self._ttl_s:
            return self._last
        if self._computing is None:
            self._computing = asyncio.create_task(self._compute())
        # Shielded: a scrape that gives up does not cancel the one the others wait for.
        return await asyncio.shield(self._computing)

    async def _compute(self) -> Figures:
        try:
            figures = await self._source.read()
            self._last, self._computed_at = figures, self._clock()
            return figures
        finally:
            self._computing = None
