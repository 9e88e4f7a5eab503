"""Per-session outbound pacing: a spaced, jittered rhythm with caps per minute and per hour."""

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Pacer", "PacingPolicy"]

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class PacingPolicy:
    """Defaults: 4-8 s between two sends of one session, at most 10 a minute, 200 an hour."""

    min_spacing_s: float = 4.0
    jitter_s: float = 4.0
    per_minute: int = 10
    per_hour: int = 200


class Pacer:
    """When may the next send of one session go? Pure: the caller passes the time."""

    def __init__(
        self,
        policy: PacingPolicy,
        rng: random.Random | None = None,
        history: Iterable[datetime] = (),
    ) -> None:
        self.policy = policy
        self._rng = rng or random.Random()
        self._sent: deque[datetime] = deque(sorted(history))
        self._gap = self._draw_gap()

    def next_slot(self, now: datetime) -> datetime:
        """The earliest time at or after ``now`` at which one more send keeps every limit."""
        self._forget(now)
        slot = now
        if self._sent:
            slot = max(slot, self._sent[-1] + self._gap)
        for cap, window in ((self.policy.per_minute, MINUTE), (self.policy.per_hour, HOUR)):
            if 0 < cap <= len(self._sent):
                slot = max(slot, self._sent[-cap] + window)
        return slot

    def record(self, at: datetime) -> None:
        """A send went out at ``at``; the next gap is drawn now."""
        self._sent.append(at)
        self._gap = self._draw_gap()

    def _forget(self, now: datetime) -> None:
        while self._sent and self._sent[0] <= now - HOUR and len(self._sent) > 1:
            self._sent.popleft()

    def _draw_gap(self) -> timedelta:
        spread = self._rng.uniform(0.0, self.policy.jitter_s) if self.policy.jitter_s > 0 else 0.0
        return timedelta(seconds=self.policy.min_spacing_s + spread)
