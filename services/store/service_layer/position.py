"""Lets a query wait until the projection has reached a given stream sequence."""

import asyncio

__all__ = ["PositionWatch"]


class PositionWatch:
    """The projection's committed position, and the queries waiting for a later one."""

    def __init__(self) -> None:
        self._position = 0
        self._changed = asyncio.Condition()
        self.waiting = 0

    @property
    def position(self) -> int:
        return self._position

    async def advance(self, position: int) -> None:
        async with self._changed:
            self._position = max(self._position, position)
            self._changed.notify_all()

    async def wait_for(self, position: int, timeout: float) -> bool:
        """True once the projection is at ``position`` or beyond; False on timeout."""
        if self._position >= position:
            return True
        self.waiting += 1
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: self._position >= position)
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        return True
