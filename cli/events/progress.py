"""Progress of a long command: a bar on a terminal, counts and rate in log lines otherwise."""

import time
from collections.abc import Callable
from typing import TextIO

from runtime.logging import get_logger

__all__ = ["Progress", "render_bar"]


def render_bar(label: str, done: int, total: int | None, rate: float, width: int = 30) -> str:
    """One terminal line, e.g. ``export [######------] 50% 500/1000 250/s``."""
    if not total:
        return f"{label} {done} {rate:.0f}/s"
    share = min(done / total, 1.0)
    filled = int(share * width)
    bar = "#" * filled + "-" * (width - filled)
    return f"{label} [{bar}] {share:4.0%} {done}/{total} {rate:.0f}/s"


class Progress:
    """Counts work done; redraws a bar (``interactive``) or logs every ``log_every`` seconds."""

    def __init__(
        self,
        label: str,
        *,
        out: TextIO,
        interactive: bool,
        clock: Callable[[], float] = time.monotonic,
        log_every: float = 5.0,
    ) -> None:
        self.label, self.out, self.interactive = label, out, interactive
        self.clock, self.log_every = clock, log_every
        self.done = 0
        self.total: int | None = None
        self.started = self.last_shown = clock()

    @property
    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, count: int = 1, *, remaining: int | None = None) -> None:
        """Record ``count`` more done; ``remaining`` (if known) fixes the total."""
        self.done += count
        if remaining is not None:
            self.total = self.done + remaining
        now = self.clock()
        every = 0.1 if self.interactive else self.log_every
        if now - self.last_shown >= every:
            self.last_shown = now
            self._show()

    def finish(self, **summary: object) -> None:
        if self.interactive:
            self._show()
            self.out.write("\n")
            self.out.flush()
        get_logger(__name__).info(
            f"events.{self.label}.done", count=self.done, rate=round(self.rate), **summary
        )

    def _show(self) -> None:
        if self.interactive:
            self.out.write("\r" + render_bar(self.label, self.done, self.total, self.rate))
            self.out.flush()
        else:
            get_logger(__name__).info(
                f"events.{self.label}.progress",
                count=self.done,
                total=self.total,
                rate=round(self.rate),
            )
