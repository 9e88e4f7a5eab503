"""Outbound pacing of one session: a token bucket, a minimum spacing, and jitter."""

from contracts.events.session import SendPacing
from services.session.domain.policies import RandomSource

__all__ = ["Pacer"]


class Pacer:
    """Hands out send times. Pure: time is passed in (seconds on any monotonic clock)."""

    def __init__(self, pacing: SendPacing, rand: RandomSource, now: float) -> None:
        if pacing.per_minute <= 0 or pacing.burst < 1:
            raise ValueError("pacing needs a positive rate and a burst of at least 1")
        self.pacing = pacing
        self._rand = rand
        self._rate = pacing.per_minute / 60.0
        self._tokens = float(pacing.burst)
        self._refilled_at = now
        self._last_send: float | None = None

    def _tokens_at(self, when: float) -> float:
        gained = max(0.0, when - self._refilled_at) * self._rate
        return min(float(self.pacing.burst), self._tokens + gained)

    def reserve(self, now: float) -> float:
        """Take the next slot: the time (>= now) at which one send may go."""
        when = now
        if self._last_send is not None:
            gap = self.pacing.min_spacing_s + self.pacing.jitter_s * self._rand()
            when = max(when, self._last_send + gap)
        tokens = self._tokens_at(when)
        if tokens < 1.0:
            when += (1.0 - tokens) / self._rate
            tokens = 1.0
        self._tokens = tokens - 1.0
        self._refilled_at = when
        self._last_send = when
        return when
