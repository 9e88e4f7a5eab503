"""In the service: pings one worker process and kills it when it stops answering.

A worker whose loop is stuck (a Go call holding it, a deadlock) keeps its pipes open, so the
pipe's end never tells. Every ``every_s`` the service sends a Ping; once ``misses`` pings in a
row are unanswered the worker is SIGKILLed, and its end is handled as a crash (reason
``worker_hung``). Misses count from the first Pong: until then (neonize loading) the worker
has ``start_s``. Each Pong also carries the worker's stuck-thread count.
"""

from dataclasses import dataclass

__all__ = ["Heartbeat", "HeartbeatState"]


@dataclass(frozen=True, kw_only=True)
class Heartbeat:
    every_s: float = 5.0
    misses: int = 3
    start_s: float = 60.0


class HeartbeatState:
    """What the pings and pongs of one worker say so far. Pure: ``now`` comes in."""

    def __init__(self, beat: Heartbeat, started_at: float) -> None:
        self.beat, self.started_at = beat, started_at
        self.sent = 0
        self.answered = 0  # the highest seq answered
        self.leaked_threads = 0

    def next_ping(self) -> int:
        self.sent += 1
        return self.sent

    def pong(self, seq: int, leaked_threads: int) -> None:
        self.answered = max(self.answered, seq)
        self.leaked_threads = leaked_threads

    def hung(self, now: float) -> bool:
        """Before the next ping: ``misses`` pings in a row unanswered (or no answer at all
        within the start allowance)."""
        if self.answered == 0 and now - self.started_at < self.beat.start_s:
            return False
        return self.sent - self.answered >= self.beat.misses
