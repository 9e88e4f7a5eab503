"""The reminder service on PostgreSQL (its scale-out database): two instances sharing it send
each reminder once. Skips, saying why, when ``WA_TEST_POSTGRES_URL`` is unreachable."""

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator

import msgspec
import pytest

from contracts.commands import Accepted
from contracts.reminders import ScheduleReminder
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import command, events, reminder_service, soon
from tests.support.postgres import scratch_database
from tests.support.waiting import eventually

pytestmark = pytest.mark.postgres


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with scratch_database("wa_reminder") as url:
        yield url


async def test_two_instances_on_postgres_send_each_reminder_once(
    settings: Settings, bus: Bus, standin: StandInSession, postgres_url: str
) -> None:
    settings = msgspec.structs.replace(settings, reminder_db_url=postgres_url)
    sessions = ["p1", "p2"]
    for session in sessions:
        await standin.create("t1", session)
        await standin.connect("t1", session)
    async with reminder_service(settings, instance="a"), reminder_service(settings, instance="b"):
        replies = await asyncio.gather(*(
            command(bus, ScheduleReminder(tenant="t1", session=s, to="201234567890",
                                          text=f"{s}-{i}", due_at=soon(0.5)))
            for s, i in itertools.product(sessions, range(15))
        ))  # fmt: skip
        ids = [r.reminder_ids[0] for r in replies if isinstance(r, Accepted) and r.reminder_ids]
        assert len(ids) == 30

        async def all_sent() -> bool:
            return len(await events(bus, "reminder.sent")) >= len(ids)

        await eventually(all_sent, timeout=30)
    per_reminder = Counter(c.command.reminder_id for c in standin.calls)
    assert set(per_reminder) == set(ids) and set(per_reminder.values()) == {1}
