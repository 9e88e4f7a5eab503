"""neonize's Go layer keeps its clients in maps without a lock (``clients``, ``StopSignal``,
``eventChannel``): ``Neonize()`` writes them while it registers a new client, ``Stop`` deletes
from them, and two at once is a fatal error no Python code can catch. So in a process one of
them runs at a time: a client's creation holds the lock from its Go call's start until that
client is registered (its first event or QR code, the end of the call, or ``grace``), and
every Stop holds it. A Stop therefore never runs in the middle of a creation, and never
before the creation it stops has registered what it is meant to end.
"""

import asyncio
import weakref
from typing import Any

from services.session.adapters.whatsapp.neonize.threads import GoCallStart

__all__ = ["go_maps", "registered"]

_locks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = (
    weakref.WeakKeyDictionary()
)


def go_maps() -> asyncio.Lock:
    """The lock around every Go call that writes those maps, one per process (per loop)."""
    return _locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())


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
