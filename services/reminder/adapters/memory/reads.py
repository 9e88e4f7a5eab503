"""The schedule's reads in memory, on what the memory unit of work committed."""

from datetime import datetime

from services.reminder.adapters.memory.store import MemoryReminderWork
from services.reminder.domain.gate import GateState
from services.reminder.domain.model import ReminderRow

__all__ = ["MemoryScheduleReads"]

READY = frozenset({"scheduled", "retrying"})


class MemoryScheduleReads:
    def __init__(self, work: MemoryReminderWork) -> None:
        self._work = work

    def _rows(self) -> list[ReminderRow]:
        return list(self._work.state.reminders.values())

    def _ready(self, row: ReminderRow, now: datetime) -> bool:
        due = row.status in READY and row.wake_at is not None and row.wake_at <= now
        waiting = due or row.status == "deferred"
        return waiting and self._work.state.connected(row.session)

    async def reminder(self, tenant: str, reminder_id: str) -> ReminderRow | None:
        row = self._work.state.reminders.get(reminder_id)
        return row if row is not None and row.tenant == tenant else None

    async def reminder_taken(self, reminder_id: str) -> bool:
        return reminder_id in self._work.state.reminders

    async def gate(self, session: str) -> GateState | None:
        return self._work.state.gates.get(session)

    async def next_wake(self, now: datetime) -> datetime | None:
        looking = {*READY, "dispatched"}
        wakes = [r.wake_at for r in self._rows() if r.status in looking and r.wake_at]
        return min((w for w in wakes if w > now), default=None)

    async def due_while_down(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        state = self._work.state
        due = [r for r in self._rows() if r.status in READY and r.wake_at and r.wake_at <= now]
        return [r for r in due if not state.connected(r.session)][:limit]

    async def overdue_outcomes(self, now: datetime, limit: int = 500) -> list[ReminderRow]:
        rows = self._rows()
        return [r for r in rows if r.status == "dispatched" and r.wake_at and r.wake_at <= now][
            :limit
        ]

    async def sessions_with_ready_work(self, now: datetime) -> list[tuple[str, str]]:
        return sorted({(r.tenant, r.session) for r in self._rows() if self._ready(r, now)})

    async def next_ready(self, session: str, now: datetime) -> ReminderRow | None:
        ready = [r for r in self._rows() if r.session == session and self._ready(r, now)]
        return min(ready, key=lambda r: (r.due_at, r.id), default=None)

    async def recent_dispatches(self, session: str, since: datetime) -> list[datetime]:
        times = [r.dispatched_at for r in self._rows() if r.session == session]
        return [at for at in times if at is not None and at >= since]
