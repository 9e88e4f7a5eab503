"""Work only while leading: one replica consumes the log and dispatches; the others answer
requests and stand by. A leader that cannot renew stops its work before its lease expires,
so two replicas dispatch at once only in the rare overlap that at-least-once allows."""

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from runtime.logging import get_logger

log = get_logger(__name__)


class Leadership(Protocol):
    """The lease port."""

    async def acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def lead_when_elected(
    leadership: Leadership, work: Work, stop: asyncio.Event, *, ttl_s: float
) -> None:
    """Run ``work(term)`` for each term of leadership; ``term`` is set when the term ends."""
    beat = ttl_s / 4
    while not stop.is_set():
        if not await leadership.acquire():
            await _pause(stop, beat)
            continue
        log.info("webhooks.leading")
        term = asyncio.Event()
        task = asyncio.create_task(work(term))
        stopping = asyncio.create_task(stop.wait())
        while not stop.is_set() and not task.done():
            await asyncio.wait([task, stopping], timeout=beat, return_when="FIRST_COMPLETED")
            if not (stop.is_set() or task.done()) and not await leadership.renew():
                log.warning("webhooks.leadership_lost")
                break
        stopping.cancel()
        term.set()
        try:
            await task
        except Exception:
            log.exception("webhooks.work_failed")
        await leadership.release()
