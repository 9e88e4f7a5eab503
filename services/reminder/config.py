"""The reminder service's own settings, from ``WA_REMINDER_*`` variables (defaults documented
in docs/architecture.md). The shared ``runtime.settings.Settings`` carries the rest."""

from collections.abc import Mapping

import msgspec

from runtime.settings import from_env
from services.reminder.domain.pacer import PacingPolicy
from services.reminder.domain.policy import ReminderPolicy

__all__ = ["ReminderSettings", "load_reminder_settings"]


class ReminderSettings(msgspec.Struct, frozen=True, kw_only=True):
    min_spacing_s: float = 4.0  # between two sends of one session…
    jitter_s: float = 4.0  # …plus a random 0..jitter_s
    per_minute: int = 10  # sends of one session in any 60 s
    per_hour: int = 200  # sends of one session in any hour
    max_attempts: int = 5
    backoff_base_s: float = 30.0
    backoff_max_s: float = 1800.0
    stale_after_s: float = 6 * 3600.0
    outcome_timeout_s: float = 120.0
    lease_ttl_s: float = 15.0
    metrics_port: int = 0  # >0: Prometheus text on http://127.0.0.1:<port>/metrics

    def policy(self) -> ReminderPolicy:
        return ReminderPolicy(
            pacing=PacingPolicy(
                min_spacing_s=self.min_spacing_s,
                jitter_s=self.jitter_s,
                per_minute=self.per_minute,
                per_hour=self.per_hour,
            ),
            max_attempts=self.max_attempts,
            backoff_base_s=self.backoff_base_s,
            backoff_max_s=self.backoff_max_s,
            stale_after_s=self.stale_after_s,
            outcome_timeout_s=self.outcome_timeout_s,
        )


def load_reminder_settings(environ: Mapping[str, str] | None = None) -> ReminderSettings:
    """``WA_REMINDER_<FIELD>`` for each field, e.g. ``WA_REMINDER_PER_HOUR=100``."""
    return from_env(ReminderSettings, "WA_REMINDER_", environ)
