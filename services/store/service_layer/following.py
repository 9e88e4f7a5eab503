"""A replica that does not project follows the projector's position as recorded in the
database: it reads it when a query starts waiting for a later one, when the projector
announces a commit while queries wait, and every ``poll_s`` while any does (announcements
are at-most-once hints; the database is the truth). Not while this replica holds the
projector lease: its batches move the position, each after telling the reply cache what it
touched, and a position read here between a commit and that could release a cached reply."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from runtime.logging import get_logger
from services.store.service_layer.position import PositionWatch

__all__ = ["POLL_S", "PositionFollower"]

POLL_S = 0.05
log = get_logger(__name__)


class PositionFollower:
    """Advances ``watch`` to the recorded position (``read``) while queries wait on it."""

    def __init__(
        self, watch: PositionWatch, read: Callable[[], Awaitable[int]], poll_s: float = POLL_S
    ) -> None:
        self._watch = watch
        self._read = read
        self._poll_s = poll_s
        self._wake = asyncio.Event()
        watch.on_wait = self._wake.set

    def announced(self, position: int) -> None:
        """The projector committed ``position`` (a hint)."""
        if position > self._watch.position and self._watch.waiting:
            self._wake.set()

    async def run(self) -> None:
        """Until cancelled."""
        while True:
            timeout = self._poll_s if self._watch.waiting else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            if not self._watch.waiting or self._watch.leading:
                continue  # while this replica projects, its own batches move the position
            try:
                recorded = await self._read()
                if not self._watch.leading:  # a term may have begun during the read
                    await self._watch.advance(recorded)
            except Exception as exc:  # the database is busy or not there yet: poll again
                log.warning("store.position_unreadable", error=repr(exc))
                await asyncio.sleep(self._poll_s)
