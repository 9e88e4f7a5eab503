"""Rebuild: project the whole log from sequence 1 into a fresh database, up to the end the
log had when the rebuild began. ``adapters/rebuild.py`` opens that database and the log."""

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from contracts.subjects import event_filter
from runtime.messaging import Delivered, EventFeed, PreparingHandler

__all__ = ["Progress", "Projection", "RebuildError", "project_until"]

Progress = Callable[[int, int, float], None]  # (position, target, events per second)


class RebuildError(RuntimeError):
    """The rebuild cannot go on; nothing live was changed."""


class Projection(PreparingHandler, Protocol):
    """The store's projection into the database being built."""

    @property
    def in_flight(self) -> int: ...


class _UntilTarget:
    """The projection, stopping the consumer once it reaches the target; reports progress."""

    def __init__(
        self, projection: Projection, target: int, stop: asyncio.Event, progress: Progress
    ) -> None:
        self._projection, self._target, self._stop = projection, target, stop
        self._progress = progress
        self._started = time.perf_counter()
        self._first = 0
        self.in_flight = projection.in_flight

    async def position(self) -> int:
        self._first = await self._projection.position()
        if self._first >= self._target:
            self._stop.set()
        return self._first

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        return self._projection.prepare(batch)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        await self._projection.apply(batch)
        done = batch[-1].sequence
        rate = (done - self._first) / max(time.perf_counter() - self._started, 1e-9)
        self._progress(done, self._target, rate)
        if done >= self._target:
            self._stop.set()


async def project_until(
    feed: EventFeed,
    durable: str,
    projection: Projection,
    target: int,
    progress: Progress,
    batch_size: int = 1000,
) -> int:
    """Feed ``projection`` every event up to ``target`` (a partly built one resumes where it
    stopped) through the fresh consumer ``durable``, ``batch_size`` events a pull; returns
    the position reached."""
    stop = asyncio.Event()
    handler = _UntilTarget(projection, target, stop, progress)
    await feed.run(
        handler, durable=durable, filters=[event_filter()], stop=stop, batch_size=batch_size
    )
    return await projection.position()
