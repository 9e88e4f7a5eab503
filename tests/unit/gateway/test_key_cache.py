"""The gateway's key cache: a lookup that raced a change of the bucket is not kept."""

from services.gateway.domain.key_cache import KeyCache


def test_a_lookup_that_raced_a_change_is_not_remembered() -> None:
    cache = KeyCache()
    before = cache.changes  # the lookup begins, reads the old value from the bucket...
    cache.forget("hash")  # ...while the watch hears of the key's deletion
    cache.remember("hash", "tenant", before)
    assert cache.get("hash") is None
    cache.remember("hash", "tenant", cache.changes)
    assert cache.get("hash") == "tenant"
    cache.forget("hash")
    assert cache.get("hash") is None


def test_the_cache_is_bounded() -> None:
    cache = KeyCache(max_entries=2)
    for n in range(3):
        cache.remember(f"h{n}", "t", cache.changes)
    assert len(cache) <= 2 and cache.get("h2") == "t"
    cache.clear()
    assert len(cache) == 0
