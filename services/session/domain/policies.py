"""Retry policies: capped exponential backoff with full jitter, driven by an injected random."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from msgspec import Struct

__all__ = ["GiveUp", "RandomSource", "ReconnectPolicy", "Retry", "SendRetryPolicy", "full_jitter"]

RandomSource = Callable[[], float]
"""Returns a float in [0, 1); ``random.random`` in production, a fixed sequence in tests."""


class Retry(Struct, frozen=True, kw_only=True):
    attempt: int
    delay_s: float


class GiveUp(Struct, frozen=True, kw_only=True):
    attempts: int


def full_jitter(attempt: int, base_s: float, cap_s: float, rand: RandomSource) -> float:
    """A delay drawn uniformly from [0, min(cap, base * 2^(attempt-1)))."""
    ceiling = min(cap_s, base_s * (2 ** max(attempt - 1, 0)))
    return float(ceiling * rand())


@dataclass(frozen=True, kw_only=True)
class ReconnectPolicy:
    """Transient drops are retried with backoff, at most ``max_attempts`` per window; a
    connection that stayed up ``stable_s`` was working, so its drop starts a fresh count."""

    base_s: float = 2.0
    cap_s: float = 300.0
    max_attempts: int = 8
    window_s: float = 1800.0
    stable_s: float = 120.0

    def counted(
        self, attempts: Sequence[datetime], now: datetime, connected_at: datetime | None
    ) -> list[datetime]:
        """The attempts a drop at ``now`` counts against: none after a stable connection."""
        if connected_at is not None and now - connected_at >= timedelta(seconds=self.stable_s):
            return []
        return self.recent(attempts, now)

    def recent(self, attempts: Sequence[datetime], now: datetime) -> list[datetime]:
        since = now - timedelta(seconds=self.window_s)
        return [at for at in attempts if at > since]

    def decide(
        self, attempts: Sequence[datetime], now: datetime, rand: RandomSource
    ) -> Retry | GiveUp:
        recent = self.recent(attempts, now)
        if len(recent) >= self.max_attempts:
            return GiveUp(attempts=len(recent))
        attempt = len(recent) + 1
        return Retry(attempt=attempt, delay_s=full_jitter(attempt, self.base_s, self.cap_s, rand))


@dataclass(frozen=True, kw_only=True)
class SendRetryPolicy:
    """A failed send is tried at most ``max_attempts`` times in all, with backoff between."""

    max_attempts: int = 5
    base_s: float = 2.0
    cap_s: float = 60.0

    def decide(self, attempt: int, retryable: bool, rand: RandomSource) -> Retry | GiveUp:
        if not retryable or attempt >= self.max_attempts:
            return GiveUp(attempts=attempt)
        return Retry(
            attempt=attempt + 1, delay_s=full_jitter(attempt, self.base_s, self.cap_s, rand)
        )
