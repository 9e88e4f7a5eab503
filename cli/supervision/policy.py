"""When a service that exited is started again, and when it is given up. Pure: the caller
passes the time (seconds on any monotonic clock)."""

from collections import deque

import msgspec

__all__ = ["CrashHistory", "GiveUp", "Restart", "RestartPolicy"]


class RestartPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Read from ``WA_RESTART_*`` (see README, Settings); defaults suit a laptop and a server."""

    base_s: float = 0.5  # the delay after the first exit; doubled for each further exit…
    cap_s: float = 30.0  # …up to this
    limit: int = 5  # restarts within window_s; the next exit in the window gives it up
    window_s: float = 300.0


class Restart(msgspec.Struct, frozen=True):
    delay_s: float
    exits: int  # within the window, this one included


class GiveUp(msgspec.Struct, frozen=True):
    exits: int


class CrashHistory:
    """The exits of one service within the policy's window."""

    def __init__(self, policy: RestartPolicy) -> None:
        self.policy = policy
        self._exits: deque[float] = deque()

    def exited(self, now: float) -> Restart | GiveUp:
        """The service exited at ``now``: start it again after a delay, or give it up."""
        self._exits.append(now)
        while len(self._exits) > 1 and self._exits[0] <= now - self.policy.window_s:
            self._exits.popleft()
        exits = len(self._exits)
        if exits > self.policy.limit:
            return GiveUp(exits)
        return Restart(min(self.policy.cap_s, self.policy.base_s * 2 ** (exits - 1)), exits)
