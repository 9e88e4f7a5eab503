"""The per-key token bucket, driven by a fake clock."""

from services.gateway.domain.rate_limit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_refused_with_the_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.check("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.check("k") == 0.5  # one token comes back every 1/rate seconds


def test_tokens_refill_with_time_up_to_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=2.0, burst=2, clock=clock)
    limiter.check("k"), limiter.check("k")
    clock.now += 0.5
    assert limiter.check("k") == 0.0
    assert limiter.check("k") > 0
    clock.now += 60  # a long pause does not bank more than the burst
    assert [limiter.check("k") for _ in range(3)][-1] > 0


def test_keys_are_independent() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, clock=FakeClock())
    assert limiter.check("a") == 0.0
    assert limiter.check("a") > 0
    assert limiter.check("b") == 0.0


def test_memory_is_bounded_by_forgetting_the_least_recent_key() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=1.0, burst=1, clock=clock, max_keys=2)
    limiter.check("a"), limiter.check("b"), limiter.check("c")  # "a" is forgotten
    assert limiter.check("a") == 0.0  # a fresh bucket
    assert limiter.check("c") > 0  # still remembered


def test_a_zero_rate_disables_limiting() -> None:
    limiter = RateLimiter(rate=0.0, burst=1, clock=FakeClock())
    assert not limiter.enabled
    assert all(limiter.check("k") == 0.0 for _ in range(100))
