"""500 reminders due at the same instant for one session are spread by the pacer: each goes
once, and every two dispatches are at least the spacing apart on the service's clock (a
jumping one: the pacer's waits cost no real time, and the check measures its decisions)."""

import asyncio
from datetime import timedelta

from contracts.commands import Accepted
from contracts.reminders import ScheduleReminder
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.reminder.pacing import PACED, JumpingClock, dispatch_times, gaps, spacing
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import command, reminder_service
from tests.support.waiting import eventually

N = 500


async def test_a_burst_of_500_due_at_once_is_spread_by_the_pacer(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    clock = JumpingClock()
    async with reminder_service(settings, PACED, clock=clock):
        due = clock.now() + timedelta(hours=1)
        replies = []
        for chunk in range(0, N, 25):
            replies += await asyncio.gather(*(
                command(bus, ScheduleReminder(tenant="t1", session="s1", to="201234567890",
                                              text=f"r{i}", due_at=due))
                for i in range(chunk, chunk + 25)
            ))  # fmt: skip
        assert all(isinstance(r, Accepted) for r in replies)
        assert standin.calls == []
        clock.offset += timedelta(hours=1)  # the instant: all 500 are due now
        await standin.connect("t1", "s1")  # any session event wakes the timer

        async def all_sent() -> bool:
            return len(standin.calls) >= N

        await eventually(all_sent, timeout=60)
    times = await dispatch_times(settings, "s1")
    span = times[-1] - times[0]
    print(f"\n{N} reminders: span {span} on the service's clock, min gap {min(gaps(times))}")
    assert len({c.command.reminder_id for c in standin.calls}) == N == len(standin.calls)
    assert standin.calls_while_down() == 0
    assert len(times) == N and min(gaps(times)) >= spacing(PACED)  # spread, none at once
