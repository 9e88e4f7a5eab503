"""Lets a query wait until the projection has reached a given stream sequence."""

import asyncio
from collections.abc import Callable, Iterable

from services.store.service_layer.reply_cache import ReplyCache, Scope

__all__ = ["REPLY_CACHE_BYTES", "PositionWatch"]

REPLY_CACHE_BYTES = 32 * 1024 * 1024


class PositionWatch:
    """The projection's committed position, and the queries waiting for a later one.

    ``replies``: the cached query replies, told of each batch before the position moves; on
    only while this replica projects (``lead``), since only the projector knows what a batch
    touched. ``on_wait`` is called when a query starts waiting for a position not reached
    yet: a replica that does not project reads the recorded position then (following.py)."""

    def __init__(
        self,
        reply_cache_bytes: int = REPLY_CACHE_BYTES,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self._position = 0
        self._changed = asyncio.Condition()
        self.waiting = 0
        self.on_wait = on_wait
        self.replies = ReplyCache(reply_cache_bytes, active=False)

    @property
    def position(self) -> int:
        return self._position

    @property
    def leading(self) -> bool:
        """This replica projects: the position moves by its batches only."""
        return self.replies.active

    def lead(self) -> None:
        """A term as the projector begins: replies are cached from now on (none before)."""
        self.replies.clear(active=True)

    def follow(self) -> None:
        """The term ended (or never began): nothing cached, nothing served from the cache."""
        self.replies.clear(active=False)

    async def advance(self, position: int, touched: Iterable[Scope] = ()) -> None:
        """The projection committed up to ``position``, changing the ``touched`` sessions."""
        self.replies.touched(touched)  # before any waiting query is released
        if position <= self._position:
            return
        async with self._changed:
            self._position = max(self._position, position)
            self._changed.notify_all()

    async def wait_for(self, position: int, timeout: float) -> bool:
        """True once the projection is at ``position`` or beyond; False on timeout."""
        if self._position >= position:
            return True
        self.waiting += 1
        if self.on_wait is not None:
            self.on_wait()
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: self._position >= position)
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        return True
