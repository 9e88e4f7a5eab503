"""neonize's Go layer keeps its clients in maps without a lock (``clients``, ``StopSignal``,
``eventChannel``): ``Neonize()`` writes them while it registers a new client, ``Stop`` deletes
from them, and two at once is a fatal error no Python code can catch. So in a process one of
them runs at a time: a client's creation holds the lock from its Go call's start until that
client is registered (its first event or QR code, the end of the call, or ``grace``), and
every Stop holds it; a waiting Stop goes before waiting creations. A Stop therefore never runs
in the middle of a creation, nor before the creation it stops registered what it must end.
"""

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from typing import Any

from services.session.adapters.whatsapp.neonize.threads import GoCallStart

__all__ = ["GoMaps", "go_maps", "registered"]


class GoMaps:
    """One holder at a time; a waiting Stop goes before waiting creations (a Stop may be what
    keeps a number from running twice once its lease is lost), so it waits for one at most."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._stops = 0
        self._no_stops = asyncio.Event()
        self._no_stops.set()

    @contextlib.asynccontextmanager
    async def stopping(self) -> AsyncIterator[None]:
        self._stops += 1
        self._no_stops.clear()
        try:
            async with self._lock:
                yield
        finally:
            self._stops -= 1
            if not self._stops:
                self._no_stops.set()

    @contextlib.asynccontextmanager
    async def creating(self) -> AsyncIterator[None]:
        while True:
            await self._no_stops.wait()
            await self._lock.acquire()
            if not self._stops:
                break
            self._lock.release()  # a Stop came meanwhile: it goes first
        try:
            yield
        finally:
            self._lock.release()


_locks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GoMaps]" = weakref.WeakKeyDictionary()


def go_maps() -> GoMaps:
    """The lock around every Go call that writes those maps, one per process (per loop)."""
    return _locks.setdefault(asyncio.get_running_loop(), GoMaps())


async def registered(
    start: GoCallStart,
    run: "asyncio.Future[Any]",
    signal: asyncio.Event,
    *,
    queue_s: float,
    grace_s: float,
) -> bool:
    """Waits until the run's Go call has registered its client, as far as can be told; False
    when it got no thread within ``queue_s`` (it is then abandoned, and never runs)."""
    if not await _first(start.started, run, queue_s) and start.abandon():
        return False
    await _first(signal, run, grace_s)
    return True


async def _first(event: asyncio.Event, run: "asyncio.Future[Any]", timeout: float) -> bool:
    """True once ``event`` is set or ``run`` has ended; False after ``timeout``."""
    waiting = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiting, run}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
    return event.is_set() or run.done()
