"""Time, as the service layer sees it: real by default, virtual in benchmarks, fake in tests."""

import asyncio
import contextlib
from datetime import UTC, datetime

__all__ = ["Clock"]


class Clock:
    """Wall-clock time in UTC and sleeping; a subclass may run time faster."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime, stop: asyncio.Event) -> None:
        """Sleep until ``when`` or until ``stop`` is set, whichever comes first."""
        delay = (when - self.now()).total_seconds()
        if delay <= 0 or stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)

    async def wait_until(self, when: datetime, *events: asyncio.Event) -> None:
        """The timer's wait: until ``when`` (in real seconds from now, whatever a subclass
        does to sleeping) or until one of ``events`` is set."""
        delay = max((when - self.now()).total_seconds(), 0.0)
        waiters = [asyncio.create_task(event.wait()) for event in events]
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
