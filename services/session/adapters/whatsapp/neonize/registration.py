"""Waiting for a new client's Go call to register it, as far as can be told from Python."""

import asyncio
from typing import Any

from services.session.adapters.whatsapp.neonize.threads import GoCallStart

__all__ = ["first", "registered"]


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
    if not await first(start.started, run, queue_s) and start.abandon():
        return False
    await first(signal, run, grace_s)
    return True


async def first(event: asyncio.Event, run: "asyncio.Future[Any]", timeout: float) -> bool:
    """True once ``event`` is set or ``run`` has ended; False after ``timeout``."""
    waiting = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiting, run}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
    return event.is_set() or run.done()
