"""The process side of supervision: notices a service process that ended, asks its crash
history what to do, starts it again when the delay is over, or gives it up."""

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from cli.supervision.policy import CrashHistory, GiveUp, Restart, RestartPolicy
from runtime.logging import get_logger

__all__ = ["Process", "Supervisor"]


class Process(Protocol):
    """What the supervisor needs of a child process (``subprocess.Popen`` has it)."""

    def poll(self) -> int | None: ...


class Supervisor:
    """Watches ``processes`` (a live mapping: name to its current process); ``spawn(name)``
    replaces a process there. A process replaced by someone else is not restarted twice."""

    def __init__(
        self,
        processes: Mapping[str, Process],
        spawn: Callable[[str], None],
        policy: RestartPolicy,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.processes = processes
        self.spawn = spawn
        self.policy = policy
        self.clock = clock
        self.restarts: dict[str, int] = {}
        self._histories: dict[str, CrashHistory] = {}
        self._pending: dict[str, tuple[float, Process]] = {}  # restart due at, the ended one
        self._given_up: dict[str, Process] = {}
        self._halted = False
        self.log = get_logger(__name__)

    def given_up(self) -> list[str]:
        return sorted(self._given_up)

    def halt(self) -> None:
        """No more restarts (the stack is stopping)."""
        self._halted = True

    def tick(self) -> None:
        if self._halted:
            return
        now = self.clock()
        for name, process in list(self.processes.items()):
            if self._given_up.get(name, process) is not process:
                del self._given_up[name]  # started again by hand: watched again
            if name in self._given_up or name in self._pending:
                continue
            code = process.poll()
            if code is not None:
                self._ended(name, process, code, now)
        for name, (due, ended) in list(self._pending.items()):
            if due <= now:
                del self._pending[name]
                if self.processes.get(name) is ended:
                    self._restart(name)

    def _restart(self, name: str) -> None:
        self.spawn(name)
        self.restarts[name] = self.restarts.get(name, 0) + 1
        self.log.warning("service.restarted", process=name, restarts=self.restarts[name])

    def _ended(self, name: str, process: Process, code: int, now: float) -> None:
        history = self._histories.setdefault(name, CrashHistory(self.policy))
        match history.exited(now):
            case Restart(delay_s=delay, exits=exits):
                self._pending[name] = (now + delay, process)
                self.log.warning("service.exited", process=name, exit_code=code, exits=exits,
                            restart_in_s=delay)  # fmt: skip
            case GiveUp(exits=exits):
                self._given_up[name] = process
                self.log.error("service.given_up", process=name, exit_code=code, exits=exits,
                          window_s=self.policy.window_s)  # fmt: skip

    async def run(self, interval_s: float = 0.1) -> None:
        """Tick until cancelled or halted."""
        while not self._halted:
            self.tick()
            await asyncio.sleep(interval_s)
