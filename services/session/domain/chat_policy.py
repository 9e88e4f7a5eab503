"""How a session's chat actions behave: typing before sends, answer caches, waiting for a
pacer slot. And the small TTL cache the answers are kept in. Pure: times are passed in."""

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from services.session.domain.typing import TypingPolicy

__all__ = ["ChatPolicy", "TtlCache"]

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, kw_only=True)
class ChatPolicy:
    typing: TypingPolicy = field(default_factory=TypingPolicy)
    number_ttl_s: float = 86400.0  # a number check's answer is reused this long
    picture_ttl_s: float = 3600.0  # a profile picture (or its absence) is reused this long
    call_wait_s: float = 3.0  # a check or picture waits at most this for its pacer slot
    max_numbers: int = 50


class TtlCache(Generic[K, V]):
    """At most ``size`` entries, each kept ``ttl_s`` seconds; the oldest go first."""

    def __init__(self, ttl_s: float, size: int = 1024) -> None:
        self.ttl_s, self.size = ttl_s, size
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K, now: float) -> tuple[bool, V | None]:
        """(found, value): found is False for a missing or expired entry."""
        item = self._items.get(key)
        if item is None or item[0] <= now:
            self._items.pop(key, None)
            return False, None
        return True, item[1]

    def put(self, key: K, value: V, now: float) -> None:
        self._items.pop(key, None)
        self._items[key] = (now + self.ttl_s, value)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
