"""What every transaction of the kit offers: callbacks run after it commits, and (in memory)
changes deferred until the commit."""

from collections.abc import Callable, Iterable
from typing import Protocol

from runtime.logging import get_logger

__all__ = ["Deferring", "Hooks"]

log = get_logger(__name__)


class Deferring(Protocol):
    """An in-memory transaction: changes are applied at the commit, in order, or never."""

    def defer(self, apply: Callable[[], None]) -> None: ...


class Hooks:
    """``on_commit`` callbacks run in order after the commit (none after a rollback). A
    callback that fails is logged: the commit stands."""

    def __init__(self) -> None:
        self._committed: list[Callable[[], object]] = []

    def on_commit(self, callback: Callable[[], object]) -> None:
        self._committed.append(callback)

    def run_commit_hooks(self) -> None:
        _run(self._committed)


def _run(callbacks: Iterable[Callable[[], object]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("transaction.hook_failed", hook=repr(callback))
