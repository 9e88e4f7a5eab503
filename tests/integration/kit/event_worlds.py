"""The event log and request/reply the suites run on: JetStream and core NATS on a real
server, and memory. A recording handler, and running a feed until a condition holds."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from contracts.envelope import Envelope, make_event
from contracts.events import SessionCreated
from runtime.messaging import Delivered, EventFeed, EventLog
from tests.support.waiting import eventually

__all__ = ["Log", "Recorder", "applied", "created", "feeding"]


@dataclass(frozen=True)
class Log:
    """One event log, seen through both ports."""

    log: EventLog
    feed: EventFeed


def created(session: str, tenant: str = "t1") -> Envelope:
    return make_event(SessionCreated(name=f"n-{session}"), tenant=tenant, session=session)


class Recorder:
    """A handler that records its position with its effect; fails the batch holding
    ``fail_at`` while ``failing``."""

    def __init__(self, position: int = 0, fail_at: int | None = None) -> None:
        self.applied: list[Delivered] = []
        self.batches = 0
        self._position = position
        self.fail_at = fail_at

    async def position(self) -> int:
        return self._position

    async def apply(self, batch: Sequence[Delivered]) -> None:
        self.batches += 1
        if self.fail_at is not None and any(d.sequence == self.fail_at for d in batch):
            raise RuntimeError("the handler failed")
        self.applied.extend(batch)
        self._position = batch[-1].sequence

    @property
    def sequences(self) -> list[int]:
        return [d.sequence for d in self.applied]


@contextlib.asynccontextmanager
async def feeding(
    feed: EventFeed, handler: Recorder, filters: Sequence[str], durable: str = "suite"
) -> AsyncIterator[asyncio.Task[None]]:
    """The feed running ``handler`` while the block runs; stopped (and awaited) after."""
    stop = asyncio.Event()
    task = asyncio.create_task(feed.run(handler, durable=durable, filters=filters, stop=stop))
    try:
        yield task
    finally:
        stop.set()
        await task


async def applied(handler: Recorder, count: int) -> None:
    async def enough() -> bool:
        return len(handler.applied) >= count

    await eventually(enough, timeout=10)
