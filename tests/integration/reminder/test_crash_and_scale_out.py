"""A SIGKILL mid-dispatch neither loses nor doubles a reminder; two instances never double-send."""

import asyncio
import itertools
import os
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from cli.stack import LocalStack
from contracts.commands import Accepted, Refused
from contracts.reminders import CancelReminder, ScheduleReminder
from runtime.bus import Bus
from runtime.embedded_nats import EmbeddedNats
from runtime.rpc import BackendUnavailable
from runtime.settings import Settings
from tests.integration.reminder.pacing import PACED, JumpingClock, dispatch_times, gaps, spacing
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import (
    command,
    events,
    reminder_ids,
    reminder_service,
    soon,
)
from tests.support.waiting import eventually

TO = "201234567890"


async def schedule(
    bus: Bus, session: str, n: int, due: float = 0.5, at: datetime | None = None
) -> list[str]:
    replies = await asyncio.gather(*(
        command(bus, ScheduleReminder(tenant="t1", session=session, to=TO, text=f"r{i}",
                                      due_at=at or soon(due)))
        for i in range(n)
    ))  # fmt: skip
    assert all(isinstance(r, Accepted) and r.reminder_ids for r in replies), replies
    return [r.reminder_ids[0] for r in replies if isinstance(r, Accepted) and r.reminder_ids]


async def test_sigkill_mid_dispatch_neither_loses_nor_doubles(
    nats_server: EmbeddedNats, bus: Bus, standin: StandInSession, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "WA_LOG_FORMAT": "json",
        "WA_INSTANCE_ID": "r1",
        "WA_REMINDER_MIN_SPACING_S": "0.03",
        "WA_REMINDER_JITTER_S": "0.01",
        "WA_REMINDER_PER_MINUTE": "100000",
        "WA_REMINDER_PER_HOUR": "100000",
        "WA_REMINDER_OUTCOME_TIMEOUT_S": "2",
        "WA_REMINDER_BACKOFF_BASE_S": "0.1",
        "WA_REMINDER_LEASE_TTL_S": "2",
    }
    stack = LocalStack(tmp_path / "var", env=env, nats_url=nats_server.url, services=())
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    stack.start_service("reminder")
    try:
        await eventually(lambda: _serving(bus), timeout=20)
        ids = await schedule(bus, "s1", 60, due=1.0)

        async def some_sent() -> bool:
            return len(standin.calls) >= 15

        await eventually(some_sent, timeout=20)
        stack.kill("reminder")  # SIGKILL, mid-burst
        before = len(standin.calls)
        assert before < 60, "the burst ended before the kill; slow the pacing down"
        stack.start_service("reminder")

        async def all_sent() -> bool:
            return len(await events(bus, "reminder.sent")) >= 60

        await eventually(all_sent, timeout=40)
    finally:
        stack.stop()
    per_reminder = Counter(c.command.reminder_id for c in standin.calls)
    assert set(per_reminder) == set(ids) and set(per_reminder.values()) == {1}  # no double
    sent = reminder_ids(await events(bus, "reminder.sent"))
    assert sorted(sent) == sorted(ids)  # none lost, each recorded once
    assert await events(bus, "reminder.failed") == []


async def _serving(bus: Bus) -> bool:
    """The process answers commands (a harmless one: cancelling nothing)."""
    try:
        reply = await command(bus, CancelReminder(tenant="t1", reminder_id="none"), timeout=0.5)
    except BackendUnavailable:
        return False
    return isinstance(reply, Refused)


async def test_two_instances_never_double_send(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    sessions = ["s1", "s2", "s3"]
    for session in sessions:
        await standin.create("t1", session)
        await standin.connect("t1", session)
    clock = JumpingClock()  # one timeline for both instances; the pacer jumps, never sleeps
    async with (
        reminder_service(settings, PACED, instance="a", clock=clock),
        reminder_service(settings, PACED, instance="b", clock=clock),
    ):
        due = clock.now() + timedelta(hours=1)
        ids = list(itertools.chain(*[await schedule(bus, s, 40, at=due) for s in sessions]))
        clock.offset += timedelta(hours=1)  # all 120 are due now
        for session in sessions:  # any session event wakes the timers
            await standin.connect("t1", session)

        async def all_sent() -> bool:
            return len(await events(bus, "reminder.sent")) >= len(ids)

        await eventually(all_sent, timeout=30)
        await asyncio.sleep(0.3)  # a straggling double would arrive now
    per_reminder = Counter(c.command.reminder_id for c in standin.calls)
    assert set(per_reminder) == set(ids) and set(per_reminder.values()) == {1}
    dispatched = await events(bus, "reminder.dispatched")
    assert len(dispatched) == len(ids)
    for session in sessions:  # pacing per session held across the two instances
        times = await dispatch_times(settings, session)
        assert len(times) == 40 and min(gaps(times)) >= spacing(PACED), gaps(times)[:5]
