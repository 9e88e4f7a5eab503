"""The retry policy of a delivery: exponential backoff with jitter, then the dead-letter list."""

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RetryPolicy", "succeeded"]


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` in all; the wait before attempt n+1 is about ``base * 2**(n-1)``."""

    max_attempts: int
    base_s: float
    cap_s: float

    def delay_after(self, attempts: int, rand: Callable[[], float]) -> float:
        """Equal jitter: half the exponential step, plus a random part of the other half."""
        step = min(self.cap_s, self.base_s * 2.0 ** max(0, attempts - 1))
        return step / 2 + rand() * step / 2

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


def succeeded(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300
