"""Encoded replies of recent reads, each valid until a batch that touches its scope is applied.

A scope is a tenant's session (its row, messages, contacts) or a tenant's list of sessions.
The projection announces every applied batch's (tenant, session) pairs *before* it advances
the position (``PositionWatch.advance``), so a query released by that position never gets a
reply from before the batch: read-your-writes holds. A read remembers its reply only if its
scope did not move while it ran (its ``stamp`` is taken first): a reply read just before a
commit whose announcement came during the read is never kept. Bounded by bytes (oldest first).
Inactive (nothing kept, nothing served) on a replica that does not project: it never hears
which sessions a batch touched.
"""

from collections.abc import Hashable, Iterable

__all__ = ["ReplyCache", "Scope", "Stamp"]

Scope = tuple[str, str]  # (tenant, session); session "" is the tenant's list of sessions
Stamp = tuple[int, int]  # (epoch, the scope's generation)


class ReplyCache:
    """Query -> (stamp, reply bytes); an entry serves while its scope's stamp is unchanged."""

    def __init__(self, max_bytes: int, *, active: bool = True) -> None:
        self._max = max_bytes
        self.active = active
        self._size = 0
        self._epoch = 0
        self._generations: dict[Scope, int] = {}
        self._entries: dict[Hashable, tuple[Scope, Stamp, bytes]] = {}
        self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    def stamp(self, scope: Scope) -> Stamp:
        return self._epoch, self._generations.get(scope, 0)

    def get(self, key: Hashable) -> bytes | None:
        entry = self._entries.get(key) if self.active else None
        if entry is None:
            return None
        scope, stamp, data = entry
        if stamp != self.stamp(scope):
            self._drop(key)
            return None
        self.hits += 1
        return data

    def put(self, key: Hashable, scope: Scope, stamp: Stamp, data: bytes) -> None:
        """Keep a reply read from ``scope`` as it was at ``stamp`` (unless it moved since)."""
        if not self.active or stamp != self.stamp(scope) or len(data) > self._max:
            return
        self._drop(key)
        self._entries[key] = (scope, stamp, data)
        self._size += len(data)
        while self._size > self._max:
            self._drop(next(iter(self._entries)))

    def touched(self, pairs: Iterable[Scope]) -> None:
        """An applied batch changed these (tenant, session) pairs (and so their tenants' lists)."""
        for tenant, session in set(pairs):
            for scope in ((tenant, session), (tenant, "")):
                self._generations[scope] = self._generations.get(scope, 0) + 1

    def clear(self, *, active: bool | None = None) -> None:
        """Every reply is stale (the tables changed in a way no batch announced); ``active``:
        switch caching on or off (reads begun before this call are not kept either way)."""
        if active is not None:
            self.active = active
        self._epoch += 1
        self._entries.clear()
        self._size = 0

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= len(entry[2])
