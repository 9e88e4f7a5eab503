"""Leases on keys of a KV bucket whose entries expire after a TTL: taken with create, renewed
by compare-and-set on the revision we last wrote, valued by the instance id. Whoever holds a
key's lease does its work ("one live client per number", one projector, one dispatcher).

The algorithm is written once, here, on the ``LeaseBucket`` port; NATS KV
(runtime/nats_leases.py) and memory (runtime/memory/leases.py) implement the port, each
translating its own failures into the two errors below.
"""

from typing import Protocol

from runtime.logging import get_logger

__all__ = ["LeaseBucket", "LeaseConflict", "LeaseUnavailable", "Leases"]

log = get_logger(__name__)


class LeaseConflict(Exception):
    """The key is not as expected: it exists (create), or its revision moved on or it is gone
    (update, delete). Somebody else holds it, or it expired."""


class LeaseUnavailable(Exception):
    """The bucket did not answer (unreachable, timed out, unavailable): nothing is known."""


class LeaseBucket(Protocol):
    """A KV bucket with a TTL on its entries; every write returns the entry's new revision."""

    async def create(self, key: str, value: bytes) -> int:
        """Write ``key`` only if it has no live entry; ``LeaseConflict`` otherwise."""
        ...

    async def read(self, key: str) -> tuple[bytes, int] | None:
        """The live entry's value and revision; None if there is none (never, deleted, expired)."""
        ...

    async def update(self, key: str, value: bytes, revision: int) -> int:
        """Write ``key`` only if its entry still has ``revision``; ``LeaseConflict`` otherwise."""
        ...

    async def delete(self, key: str, revision: int) -> None:
        """Delete ``key`` only if its entry still has ``revision``; ``LeaseConflict`` otherwise."""
        ...


class Leases:
    """The leases this instance holds on keys of one bucket. The revisions written are
    remembered, so a renewal proves continuity: a lease renewed is a lease never lost.

    ``instance`` must differ between live replicas: a restart under the same one takes its
    leases back at once instead of after the TTL. Failures to reach the bucket raise
    ``LeaseUnavailable`` (the caller decides: wait, or stop the work)."""

    def __init__(self, bucket: LeaseBucket, instance: str) -> None:
        self._bucket = bucket
        self.instance = instance
        self._me = instance.encode()
        self._revisions: dict[str, int] = {}

    def held(self) -> list[str]:
        return list(self._revisions)

    def holds(self, key: str) -> bool:
        return key in self._revisions

    async def owner(self, key: str) -> str | None:
        entry = await self._bucket.read(key)
        return entry[0].decode() if entry is not None and entry[0] else None

    async def acquire(self, key: str) -> bool:
        """Take the lease if it is free, or if it is already ours (held, or from before a
        restart of this instance); False if another instance holds it."""
        if key in self._revisions and await self.renew(key):
            return True
        try:
            self._revisions[key] = await self._bucket.create(key, self._me)
            return True
        except LeaseConflict:
            pass
        entry = await self._bucket.read(key)
        if entry is None or entry[0] != self._me:
            return False  # another's, or it just went away: the next attempt may take it
        try:
            self._revisions[key] = await self._bucket.update(key, self._me, entry[1])
        except LeaseConflict:
            return False
        return True

    async def renew(self, key: str) -> bool:
        """Extend the lease; False means it is lost (stop its work at once). On
        ``LeaseUnavailable`` it is still held as far as we know."""
        revision = self._revisions.get(key)
        if revision is None:
            return False
        try:
            self._revisions[key] = await self._bucket.update(key, self._me, revision)
        except LeaseConflict:
            self._revisions.pop(key, None)
            return False
        return True

    async def renew_all(self) -> list[str]:
        """Renew every held lease; returns the keys lost. A key that cannot be renewed now
        counts as lost too (its work stops; taking it back is an ``acquire`` away)."""
        lost: list[str] = []
        for key in self.held():
            try:
                renewed = await self.renew(key)
            except LeaseUnavailable:
                renewed = False
                self.forget(key)
            if not renewed:
                lost.append(key)
                log.warning("lease.lost", key=key)
        return lost

    def forget(self, key: str) -> None:
        """Stop counting on a lease (its revision proves nothing any more)."""
        self._revisions.pop(key, None)

    async def release(self, key: str) -> None:
        """Hand the key over at once instead of after the TTL. Best effort: a lease that was
        taken over, or a bucket that does not answer, leaves it to the TTL."""
        revision = self._revisions.pop(key, None)
        if revision is None:
            return
        try:
            await self._bucket.delete(key, revision)
        except LeaseConflict:
            log.warning("lease.release_conflict", key=key)
        except LeaseUnavailable:
            log.warning("lease.release_unavailable", key=key)
