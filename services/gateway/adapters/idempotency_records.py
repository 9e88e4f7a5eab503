"""Where idempotency records live: a port written with compare-and-set, and its in-memory
implementation (one process; tests). The NATS KV one is in idempotency_kv.py."""

import abc

from services.gateway.domain.idempotency import Record

__all__ = ["IdempotencyRecords", "MemoryIdempotencyRecords"]


class IdempotencyRecords(abc.ABC):
    """Idempotency records by name, each changed only from the revision it was read at."""

    @abc.abstractmethod
    async def create(self, name: str, record: Record) -> int | None:
        """Write a new record; its revision, or None when the name is taken."""

    @abc.abstractmethod
    async def get(self, name: str) -> tuple[Record, int] | None:
        """The record and its revision, or None."""

    @abc.abstractmethod
    async def update(self, name: str, record: Record, revision: int) -> int | None:
        """Replace the record read at ``revision``; the new revision, or None when it has
        changed (or gone) since."""


class MemoryIdempotencyRecords(IdempotencyRecords):
    def __init__(self) -> None:
        self.records: dict[str, tuple[Record, int]] = {}
        self._revision = 0

    def _write(self, name: str, record: Record) -> int:
        self._revision += 1
        self.records[name] = (record, self._revision)
        return self._revision

    async def create(self, name: str, record: Record) -> int | None:
        return None if name in self.records else self._write(name, record)

    async def get(self, name: str) -> tuple[Record, int] | None:
        return self.records.get(name)

    async def update(self, name: str, record: Record, revision: int) -> int | None:
        found = self.records.get(name)
        if found is None or found[1] != revision:
            return None
        return self._write(name, record)
