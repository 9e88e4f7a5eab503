"""A decided transition of one reminder: the state after it, its events, and what must hold."""

from dataclasses import dataclass
from datetime import datetime

from contracts.events import Event
from services.reminder.domain.model import ReminderRow

__all__ = ["Change"]


@dataclass(frozen=True, kw_only=True)
class Change:
    """``before`` None: a new reminder. Otherwise the stored reminder must still be in one of
    ``expect`` with ``before``'s attempt count (another instance may have moved it meanwhile),
    be due by ``due_by`` when given, and its session be connected when ``connected``."""

    before: ReminderRow | None
    after: ReminderRow
    events: tuple[Event, ...] = ()
    expect: frozenset[str] = frozenset()
    due_by: datetime | None = None
    connected: bool = False

    def holds_for(self, stored: ReminderRow | None, *, session_connected: bool) -> bool:
        """Whether the change may be written over ``stored`` (the compare in compare-and-set)."""
        if self.before is None:
            return stored is None
        if stored is None or stored.status not in self.expect:
            return False
        if stored.attempts != self.before.attempts:
            return False
        if self.connected and not session_connected:
            return False
        if self.due_by is None or stored.status == "deferred":
            return True
        return stored.wake_at is not None and stored.wake_at <= self.due_by
