"""The store's reply cache: an entry serves until a batch touches its scope; a read that raced
a batch is not kept; bounded by bytes; active only while its replica holds the projector lease."""

from services.store.service_layer.position import PositionWatch
from services.store.service_layer.reply_cache import ReplyCache


def test_a_batch_invalidates_its_sessions_and_their_tenants_lists_only() -> None:
    cache = ReplyCache(max_bytes=1000)
    for key, scope in (("a", ("t1", "s1")), ("b", ("t1", "s2")), ("l", ("t1", "")),
                       ("o", ("t2", "s1"))):  # fmt: skip
        cache.put(key, scope, cache.stamp(scope), key.encode())
    cache.touched([("t1", "s1"), ("t1", "s1")])
    assert [cache.get(k) for k in "ablo"] == [None, b"b", None, b"o"]
    assert cache.hits == 2


def test_a_read_during_which_its_scope_moved_is_not_kept() -> None:
    cache = ReplyCache(max_bytes=1000)
    stamp = cache.stamp(("t1", "s1"))  # the read begins
    cache.touched([("t1", "s1")])  # a batch is announced while it runs
    cache.put("q", ("t1", "s1"), stamp, b"maybe before the batch")
    assert cache.get("q") is None
    cache.put("q", ("t1", "s1"), cache.stamp(("t1", "s1")), b"after")
    assert cache.get("q") == b"after"
    cache.clear()
    assert cache.get("q") is None and len(cache) == 0


def test_the_oldest_replies_leave_first_past_the_byte_bound() -> None:
    cache = ReplyCache(max_bytes=10)
    scope = ("t", "s")
    for key in "abc":
        cache.put(key, scope, cache.stamp(scope), b"1234")
    assert [cache.get(k) for k in "abc"] == [None, b"1234", b"1234"]
    cache.put("huge", scope, cache.stamp(scope), b"x" * 11)
    assert cache.get("huge") is None and len(cache) == 2


def test_replies_are_cached_during_a_term_only_and_none_outlives_it() -> None:
    watch = PositionWatch(reply_cache_bytes=1000)
    scope = ("t", "s")
    cache = watch.replies
    cache.put("q", scope, cache.stamp(scope), b"a follower's read")
    assert cache.get("q") is None and not watch.leading  # a follower keeps nothing
    before_the_term = cache.stamp(scope)  # a read begun before the term
    watch.lead()
    cache.put("early", scope, before_the_term, b"read before the term")
    cache.put("q", scope, cache.stamp(scope), b"the projector's read")
    assert (
        watch.leading and cache.get("early") is None and cache.get("q") == b"the projector's read"
    )
    during = cache.stamp(scope)
    watch.follow()  # the term ended: another replica's batches may land from now on
    assert cache.get("q") is None and len(cache) == 0
    cache.put("late", scope, during, b"read during the term")
    watch.lead()
    assert cache.get("late") is None and cache.get("q") is None
