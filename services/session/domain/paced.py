"""Paced actions of one session (read receipts, presence updates): a FIFO whose items each
take the next slot of the session's pacer, the same one its sends use. Pure."""

from collections import deque
from typing import Generic, TypeVar

from services.session.domain.pacing import Pacer

__all__ = ["PacedQueue"]

T = TypeVar("T")


class PacedQueue(Generic[T]):
    def __init__(self) -> None:
        self._items: deque[T] = deque()

    def __len__(self) -> int:
        return len(self._items)

    def push(self, item: T) -> None:
        self._items.append(item)

    def push_front(self, item: T) -> None:
        """Put an item back first (its slot came while the session was offline)."""
        self._items.appendleft(item)

    def take(self, pacer: Pacer, now: float) -> tuple[T, float] | None:
        """The oldest item and the time (>= now) it may go, or None when empty."""
        if not self._items:
            return None
        return self._items.popleft(), pacer.reserve(now)
