"""The reminder service's policies: retries with backoff, staleness, how long to await a send."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.reminder.domain.pacer import PacingPolicy

__all__ = ["ReminderPolicy"]


@dataclass(frozen=True, kw_only=True)
class ReminderPolicy:
    """Defaults documented in docs/architecture.md (the reminder section)."""

    pacing: PacingPolicy = field(default_factory=PacingPolicy)
    max_attempts: int = 5
    backoff_base_s: float = 30.0
    backoff_max_s: float = 1800.0
    stale_after_s: float = 6 * 3600.0  # a plain reminder later than this is useless
    outcome_timeout_s: float = 120.0  # no message.sent/send_failed by then: the attempt failed

    def backoff(self, attempts: int, rng: random.Random) -> timedelta:
        """Delay before attempt ``attempts + 1``: exponential, capped, jittered in its top half."""
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=rng.uniform(ceiling / 2, ceiling))

    def is_stale(self, now: datetime, due_at: datetime, expires_at: datetime | None) -> bool:
        """Too late to be useful: past ``expires_at`` (an appointment's start) or long overdue."""
        if expires_at is not None and now >= expires_at:
            return True
        return now - due_at > timedelta(seconds=self.stale_after_s)
