"""Chat actions in the session's pacer schedule, on a fake clock: a burst of read receipts is
spread out in order, typing before a send sits inside the send's slot, caches expire."""

import itertools
import random

from contracts.events.session import SendPacing
from services.session.domain.chat_policy import TtlCache
from services.session.domain.paced import PacedQueue
from services.session.domain.pacing import Pacer
from services.session.domain.typing import TypingPolicy, plan_send

DEFAULT = SendPacing()  # 20 a minute, a burst of 5, 1 s apart plus up to 2 s of jitter


def drain(queue: PacedQueue[int], pacer: Pacer) -> list[tuple[int, float]]:
    """What the session's worker does: take an item, wait (the fake clock jumps), go."""
    now, out = 0.0, []
    while (taken := queue.take(pacer, now)) is not None:
        item, now = taken
        out.append((item, now))
    return out


def test_a_burst_of_100_read_receipts_is_spread_by_the_pacer() -> None:
    queue: PacedQueue[int] = PacedQueue()
    for receipt in range(100):  # all released at once, at t=0
        queue.push(receipt)
    sent = drain(queue, Pacer(DEFAULT, random.Random(7).random, now=0.0))
    assert [item for item, _ in sent] == list(range(100))  # in order, each once
    times = [at for _, at in sent]
    assert times[0] == 0.0
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= DEFAULT.min_spacing_s
    for start in range(len(times)):  # in any minute: the burst plus the rate, no more
        window = [t for t in times if times[start] <= t < times[start] + 60]
        assert len(window) <= DEFAULT.burst + DEFAULT.per_minute
    assert sum(1 for t in times if t < 60) <= 25
    # the rate alone needs (100 - burst) / (20 a minute) = 4.75 minutes
    assert times[-1] >= (100 - DEFAULT.burst) * 60 / DEFAULT.per_minute


def test_sends_and_read_receipts_share_one_schedule() -> None:
    pacer = Pacer(SendPacing(per_minute=60, burst=1, min_spacing_s=1, jitter_s=0), random.random, 0)
    queue: PacedQueue[str] = PacedQueue()
    queue.push("read")
    send_at = pacer.reserve(0.0)  # a send took the first slot
    taken = queue.take(pacer, 0.0)
    assert taken is not None and taken[1] >= send_at + 1.0


def test_typing_grows_with_the_text_and_is_bounded() -> None:
    policy = TypingPolicy(base_s=1.0, per_char_s=0.05, max_s=6.0)
    assert policy.seconds("") == 1.0
    assert policy.seconds("x" * 40) == 3.0
    assert policy.seconds("x" * 10_000) == 6.0
    assert TypingPolicy(max_s=0).seconds("hello") == 0.0


def test_typing_fills_the_pacers_wait_and_delays_only_an_idle_send() -> None:
    pacing = SendPacing(per_minute=6, burst=1, min_spacing_s=0, jitter_s=0)  # a slot every 10 s
    pacer = Pacer(pacing, random.random, now=0.0)
    first = plan_send(pacer, 0.0, 3.0)  # idle: typing first, then the send
    assert (first.typing_at, first.send_at) == (0.0, 3.0)
    second = plan_send(pacer, 3.0, 3.0)  # released at once: typing inside the 10 s wait
    assert second.send_at == 13.0 and second.typing_at == 10.0
    untyped = plan_send(pacer, 13.0, 0.0)
    assert untyped.typing_s == 0.0 and untyped.send_at == 23.0


def test_ttl_cache_forgets_after_its_ttl_and_keeps_the_newest() -> None:
    cache: TtlCache[str, int] = TtlCache(ttl_s=10, size=2)
    cache.put("a", 1, now=0)
    assert cache.get("a", 5) == (True, 1)
    assert cache.get("a", 10) == (False, None)
    cache.put("a", 1, 20)
    cache.put("b", 2, 20)
    cache.put("c", 3, 20)
    assert cache.get("a", 21) == (False, None) and cache.get("c", 21) == (True, 3)
