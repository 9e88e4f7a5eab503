"""One leader among replicas: the lease on one key (runtime/leases.py), and the loop that runs a
service's work only while it leads.

A leader that cannot renew stops its work before its lease expires, so two replicas work at
once only in the rare overlap that at-least-once allows (the work must tolerate that)."""

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from runtime.leases import Leases, LeaseUnavailable
from runtime.logging import get_logger

__all__ = ["KeyLeadership", "Leadership", "Work", "lead_when_elected"]

log = get_logger(__name__)
Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class Leadership(Protocol):
    """Leading or not; ``acquire``/``renew`` say whether this instance leads."""

    async def acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


class KeyLeadership:
    """Leadership as the lease on one ``key``. A bucket that does not answer means "not
    leading": lost, or cannot tell, the work stops either way."""

    def __init__(self, leases: Leases, key: str) -> None:
        self.leases, self.key = leases, key

    async def acquire(self) -> bool:
        try:
            return await self.leases.acquire(self.key)
        except LeaseUnavailable:
            return False

    async def renew(self) -> bool:
        try:
            return await self.leases.renew(self.key)
        except LeaseUnavailable:
            self.leases.forget(self.key)
            return False

    async def release(self) -> None:
        await self.leases.release(self.key)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def lead_when_elected(
    leadership: Leadership, work: Work, stop: asyncio.Event, *, ttl_s: float, name: str
) -> None:
    """Run ``work(term)`` for each term of leadership; ``term`` is set when the term ends.
    ``name`` prefixes the log events (``<name>.leading``)."""
    beat = ttl_s / 4
    while not stop.is_set():
        if not await leadership.acquire():
            await _pause(stop, beat)
            continue
        log.info(f"{name}.leading")
        term = asyncio.Event()
        task = asyncio.create_task(work(term))
        stopping = asyncio.create_task(stop.wait())
        while not stop.is_set() and not task.done():
            await asyncio.wait([task, stopping], timeout=beat, return_when="FIRST_COMPLETED")
            if not (stop.is_set() or task.done()) and not await leadership.renew():
                log.warning(f"{name}.leadership_lost")
                break
        stopping.cancel()
        term.set()
        try:
            await task
        except Exception:
            log.exception(f"{name}.work_failed")
            await leadership.release()
            await _pause(stop, beat)  # not at once again: another replica may do better
            continue
        await leadership.release()
