"""500 reminders due at the same instant for one session are spread by the pacer."""

import asyncio
import itertools
import time
from datetime import UTC, datetime, timedelta

from contracts.commands import Accepted
from contracts.reminders import ScheduleReminder
from runtime.bus import Bus
from runtime.settings import Settings
from services.reminder.config import ReminderSettings
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import FAST, ShiftedClock, command, reminder_service
from tests.support.waiting import eventually

N = 500
PACING = ReminderSettings(**{**{f: getattr(FAST, f) for f in FAST.__struct_fields__},
                             "min_spacing_s": 0.01, "jitter_s": 0.004})  # fmt: skip


async def test_a_burst_of_500_due_at_once_is_spread_by_the_pacer(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    clock = ShiftedClock()
    async with reminder_service(settings, PACING, clock=clock):
        due = datetime.now(UTC) + timedelta(hours=1)
        started = time.monotonic()
        replies = []
        for chunk in range(0, N, 25):
            replies += await asyncio.gather(*(
                command(bus, ScheduleReminder(tenant="t1", session="s1", to="201234567890",
                                              text=f"r{i}", due_at=due))
                for i in range(chunk, chunk + 25)
            ))  # fmt: skip
        assert all(isinstance(r, Accepted) for r in replies)
        assert standin.calls == []
        print(f"\nscheduled {N} in {time.monotonic() - started:.2f}s")
        clock.offset = timedelta(hours=1)  # the instant: all 500 are due now
        await standin.connect("t1", "s1")  # any session event wakes the timer

        async def all_sent() -> bool:
            return len(standin.calls) >= N

        await eventually(all_sent, timeout=60)
    times = [c.at for c in standin.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    span = times[-1] - times[0]
    print(f"\n{N} reminders: span {span:.2f}s, mean gap {span / (N - 1) * 1000:.1f} ms, "
          f"min gap {min(gaps) * 1000:.1f} ms")  # fmt: skip
    assert len({c.command.reminder_id for c in standin.calls}) == N == len(times)  # once each
    assert span >= (N - 1) * PACING.min_spacing_s  # spread, not fired at once
    assert sorted(gaps)[len(gaps) // 20] >= PACING.min_spacing_s * 0.8  # 95% keep the spacing
    assert time.monotonic() >= times[0] and standin.calls_while_down() == 0
