"""Typing before a send: how long "typing…" shows, and where it sits in the pacer's schedule.

Pure: times are seconds on any monotonic clock, passed in.
"""

from dataclasses import dataclass

from services.session.domain.pacing import Pacer

__all__ = ["SendPlan", "TypingPolicy", "plan_send"]


@dataclass(frozen=True, kw_only=True)
class TypingPolicy:
    """``base_s`` plus ``per_char_s`` for each character, at most ``max_s``."""

    base_s: float = 1.0
    per_char_s: float = 0.04
    max_s: float = 8.0

    def seconds(self, text: str) -> float:
        if self.max_s <= 0:
            return 0.0
        return min(self.max_s, max(0.0, self.base_s + self.per_char_s * len(text)))


@dataclass(frozen=True, kw_only=True)
class SendPlan:
    typing_at: float  # when "typing…" starts (== send_at: none)
    send_at: float  # the pacer's slot for the send

    @property
    def typing_s(self) -> float:
        return self.send_at - self.typing_at


def plan_send(pacer: Pacer, now: float, typing_s: float) -> SendPlan:
    """Reserve the send's slot no earlier than ``now + typing_s``, and type just before it: the
    typing fills the pacer's wait where there is one, so it never adds to the schedule beyond
    the first send of a burst."""
    send_at = pacer.reserve(now + max(0.0, typing_s))
    return SendPlan(typing_at=send_at - max(0.0, typing_s), send_at=send_at)
