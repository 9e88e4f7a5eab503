"""Lets a query wait until the projection has reached a given stream sequence."""

import asyncio
from collections.abc import Callable

__all__ = ["PositionWatch"]


class PositionWatch:
    """The projection's committed position, and the queries waiting for a later one.

    ``on_wait`` is called when a query starts waiting for a position not reached yet: a
    replica that does not project reads the recorded position then (see following.py)."""

    def __init__(self, on_wait: Callable[[], None] | None = None) -> None:
        self._position = 0
        self._changed = asyncio.Condition()
        self.waiting = 0
        self.on_wait = on_wait

    @property
    def position(self) -> int:
        return self._position

    async def advance(self, position: int) -> None:
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
