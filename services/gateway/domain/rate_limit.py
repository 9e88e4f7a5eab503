"""Request rate limiting: one token bucket per key (a principal, a client address), in memory."""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter", "TokenBucket"]


@dataclass
class TokenBucket:
    """``burst`` tokens at most, refilled at ``rate`` per second; one request takes one."""

    rate: float
    burst: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token: 0.0 when allowed, else the seconds until one is available."""
        wait = self.wait(now)
        if wait == 0.0:
            self.tokens -= 1.0
        return wait

    def wait(self, now: float) -> float:
        """The seconds until a token is available (0.0: now), taking none."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate if self.rate > 0 else float("inf")


class RateLimiter:
    """Buckets by key, the least recently used forgotten beyond ``max_keys`` (bounded memory).

    In memory per gateway instance: with N replicas behind a balancer a key gets up to N times
    the rate. That is the documented trade-off for keeping the gateway stateless."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float], max_keys: int = 10_000
    ) -> None:
        self._rate = rate
        self._burst = float(max(1, burst))
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def check(self, key: str) -> float:
        """0.0 when ``key`` may make a request now, else the seconds to wait (Retry-After)."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        return self._bucket(key, now).take(now)

    def wait(self, key: str) -> float:
        """What ``check`` would answer, without spending a token."""
        if not self.enabled or key not in self._buckets:
            return 0.0
        now = self._clock()
        return self._bucket(key, now).wait(now)

    def _bucket(self, key: str, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self._rate, self._burst, self._burst, now)
            self._buckets[key] = bucket
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket
