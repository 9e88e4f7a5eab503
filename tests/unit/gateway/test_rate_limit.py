"""The token buckets (per principal, per client address), driven by a fake clock."""

from services.gateway.domain.rate_limit import RateLimiter
from services.gateway.http.access import client_address


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


def test_wait_tells_the_wait_without_spending_a_token() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=2.0, burst=2, clock=clock)
    assert limiter.wait("k") == 0.0  # an unknown key is not even remembered
    assert [limiter.wait("k") for _ in range(5)] == [0.0] * 5
    limiter.check("k"), limiter.check("k")
    assert limiter.wait("k") == 0.5 and limiter.wait("k") == 0.5
    clock.now += 0.5
    assert limiter.wait("k") == 0.0
    assert limiter.check("k") == 0.0 and limiter.check("k") == 0.5  # the one refilled token


def test_failed_authentications_spend_the_address_bucket_and_then_block_it() -> None:
    """How the gateway uses a second limiter (services/gateway/http/access.py): each failure takes
    a token of the client address; while none is left, the address waits before any check."""
    clock = FakeClock()
    failures = RateLimiter(rate=0.2, burst=3, clock=clock)
    address = client_address("203.0.113.7")
    assert [failures.check(address) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert failures.wait(address) == 5.0  # one failure back every 1/rate seconds
    assert failures.wait(client_address("203.0.113.8")) == 0.0  # other addresses are free
    clock.now += 5
    assert failures.wait(address) == 0.0


def test_an_ipv6_client_is_one_address_per_64() -> None:
    assert client_address("2001:db8:1:2:aaaa::1") == client_address("2001:db8:1:2:ffff::9")
    assert client_address("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_address("2001:db8:1:3::1") != client_address("2001:db8:1:2::1")
    assert client_address("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_address("203.0.113.7") == "203.0.113.7"
    assert client_address(None) == "" and client_address("unix") == "unix"
