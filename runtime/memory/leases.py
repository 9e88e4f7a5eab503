"""The lease bucket in memory: revisions from one counter per bucket (as a KV stream's
sequence), entries expiring ``ttl_s`` after their last write by ``clock``."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from runtime.leases import LeaseConflict, LeaseUnavailable

__all__ = ["MemoryLeaseBucket"]


@dataclass
class _Entry:
    value: bytes
    revision: int
    written_at: float


class MemoryLeaseBucket:
    """``LeaseBucket`` in memory. ``reachable = False`` makes every call fail as an
    unreachable server does."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._revision = 0
        self.reachable = True
        self.refused = 0  # calls that failed for want of a bucket

    def _live(self, key: str) -> _Entry | None:
        if not self.reachable:
            self.refused += 1
            raise LeaseUnavailable("the bucket does not answer")
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry.written_at >= self.ttl_s:
            del self._entries[key]
            return None
        return entry

    def _write(self, key: str, value: bytes) -> int:
        self._revision += 1
        self._entries[key] = _Entry(value, self._revision, self._clock())
        return self._revision

    async def create(self, key: str, value: bytes) -> int:
        if self._live(key) is not None:
            raise LeaseConflict(f"{key} exists")
        return self._write(key, value)

    async def read(self, key: str) -> tuple[bytes, int] | None:
        entry = self._live(key)
        return None if entry is None else (entry.value, entry.revision)

    async def update(self, key: str, value: bytes, revision: int) -> int:
        entry = self._live(key)
        if entry is None or entry.revision != revision:
            raise LeaseConflict(f"{key} is not at revision {revision}")
        return self._write(key, value)

    async def delete(self, key: str, revision: int) -> None:
        entry = self._live(key)
        if entry is None or entry.revision != revision:
            raise LeaseConflict(f"{key} is not at revision {revision}")
        del self._entries[key]

    async def put(self, key: str, value: bytes) -> int:
        """Write unconditionally (as another instance after a partition, or an operator)."""
        self._live(key)
        return self._write(key, value)
