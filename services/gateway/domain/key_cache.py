"""The tenant of each API-key hash this gateway has looked up, kept until the bucket changes
the key: the key watch forgets an entry as the change reaches it, a rotation here forgets the
old key before it answers.

A lookup that raced a change must not bring the old answer back: it remembers its result
only when no change has been seen since the lookup began (``changes`` is read before it)."""

__all__ = ["KeyCache"]


class KeyCache:
    """Key hash -> tenant, bounded; nothing is remembered about unknown keys."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._tenants: dict[str, str] = {}
        self._max = max_entries
        self.changes = 0  # how many changes this cache has been told of

    def __len__(self) -> int:
        return len(self._tenants)

    def get(self, key_hash: str) -> str | None:
        return self._tenants.get(key_hash)

    def remember(self, key_hash: str, tenant: str, changes_before: int) -> None:
        """Keep a lookup's answer, unless a change was seen after it began."""
        if changes_before != self.changes:
            return
        if len(self._tenants) >= self._max:
            self._tenants.clear()  # a bound, not a policy: lookups fill it again
        self._tenants[key_hash] = tenant

    def forget(self, key_hash: str) -> None:
        """The bucket changed this key (deleted, purged, or written again)."""
        self.changes += 1
        self._tenants.pop(key_hash, None)

    def clear(self) -> None:
        """Forget everything: changes may have been missed."""
        self.changes += 1
        self._tenants.clear()
