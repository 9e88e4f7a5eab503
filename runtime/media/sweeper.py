"""The media sweep: uploads past their ``expires_at`` are deleted (sent or not: a send names
an upload within its TTL), and each tenant's usage is recounted from the listing."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from msgspec import Struct

from runtime.logging import get_logger
from runtime.media.listing import Listed, list_objects
from runtime.media.store import MediaStore
from runtime.media.usage import MediaUsage

__all__ = ["Swept", "run_sweeper", "sweep"]

log = get_logger(__name__)


class Swept(Struct, frozen=True, kw_only=True):
    expired: list[str]  # the uploads deleted
    recounted: list[str]  # the tenants whose count was corrected


def _expired(item: Listed, now: datetime) -> bool:
    raw = item.headers.get("Wa-Expires-At")
    if not item.name.startswith("upload.") or not raw:
        return False
    try:
        return datetime.fromisoformat(raw) <= now
    except ValueError:
        return False


async def sweep(store: MediaStore, usage: MediaUsage, now: datetime) -> Swept:
    seen = await usage.snapshot()  # before the listing: what changes after it is left alone
    totals: Counter[str] = Counter()
    expired = []
    for item in await list_objects(store.js):
        if _expired(item, now):
            if await store.delete(item.name):
                expired.append(item.name)
        elif item.tenant is not None:
            totals[item.tenant] += item.size
    return Swept(expired=expired, recounted=await usage.recount(totals, seen))


async def run_sweeper(
    store: MediaStore,
    usage: MediaUsage,
    every_s: float,
    stop: asyncio.Event,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Sweep every ``every_s`` until stopped; a failed sweep is logged and tried again."""
    while not stop.is_set():
        try:
            swept = await sweep(store, usage, now())
            if swept.expired or swept.recounted:
                log.info("media.swept", expired=len(swept.expired), recounted=swept.recounted)
        except Exception:
            log.exception("media.sweep_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
