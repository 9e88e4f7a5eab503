"""A clock that moves only when told: TTLs, windows and ack waits tested without waiting."""

__all__ = ["ManualClock"]


class ManualClock:
    """Seconds since an arbitrary start; ``advance`` moves it on."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self._now += seconds
