"""Checking pacing without measuring the machine: a fake clock that jumps to the pacer's next
slot instead of sleeping, and the dispatch times the service recorded on it (its decisions)."""

import asyncio
import itertools
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from runtime.settings import Settings
from services.reminder.adapters.database import open_reminder_db
from services.reminder.adapters.tables import reminders
from services.reminder.config import ReminderSettings
from services.reminder.service_layer.clock import Clock
from tests.integration.reminder.support import FAST

# FAST, but spaced 5-6 s (free on the jumping clock, and far more than a send takes, so a
# pacing slip cannot hide in the machine's own slowness), with an outcome timeout no jump
# can reach (a send awaiting its outcome is never retried because the clock ran ahead).
PACED = ReminderSettings(**{**{f: getattr(FAST, f) for f in FAST.__struct_fields__},
                            "min_spacing_s": 5.0, "jitter_s": 1.0,
                            "outcome_timeout_s": 86_400.0})  # fmt: skip


class JumpingClock(Clock):
    """Real elapsed time (monotonic, never back) plus ``offset``; sleeping until a time moves
    the clock there at once. Shared by several services, it is one timeline for all."""

    def __init__(self) -> None:
        self._wall, self._mono = datetime.now(UTC), time.monotonic()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self._wall + timedelta(seconds=time.monotonic() - self._mono) + self.offset

    async def sleep_until(self, when: datetime, stop: asyncio.Event) -> None:
        ahead = when - self.now()
        if ahead > timedelta(0):
            self.offset += ahead
        await asyncio.sleep(0)


async def dispatch_times(settings: Settings, session: str) -> list[datetime]:
    """When each reminder of the session was dispatched, by the service's clock, in order."""
    engine = await open_reminder_db(settings.db_url("reminder"))
    try:
        async with engine.connect() as conn:
            query = select(reminders.c.dispatched_at).where(reminders.c.session == session)
            rows = (await conn.execute(query)).all()
    finally:
        await engine.dispose()
    return sorted(row[0] for row in rows if row[0] is not None)


def gaps(times: list[datetime]) -> list[timedelta]:
    return [b - a for a, b in itertools.pairwise(times)]


def spacing(options: ReminderSettings) -> timedelta:
    """The least gap the pacer may leave between two sends of one session."""
    return timedelta(seconds=options.min_spacing_s)
