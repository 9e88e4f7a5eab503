"""Time, as the service layer sees it: real by default, virtual in benchmarks."""

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
