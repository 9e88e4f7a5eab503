"""Reminder pacing, measured in one run: 500 reminders due at the same instant for one session
(released when it connects after being down), with the DEFAULT pacing.

    .venv/bin/python -m bench.reminder_burst          # fake clock + the real service
    .venv/bin/python -m bench.reminder_burst --n 200  # another burst size

Column 1 drives the pure pacer with a fake clock. Column 2 runs the real reminder service (its
database, its NATS consumer and leases, a stand-in session service on a real NATS server) on a
virtual clock: sleeping advances time at once, so two hours of pacing take seconds. It also
counts the SendText commands (WhatsApp calls) that arrived while the session was down.
"""

import argparse
import asyncio
import itertools
import random
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from contracts.reminders import ScheduleReminder
from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.logging import configure_logging
from runtime.settings import load_settings
from services.reminder.adapters.database import open_reminder_db
from services.reminder.adapters.tables import reminders
from services.reminder.config import ReminderSettings
from services.reminder.domain.pacer import Pacer, PacingPolicy
from services.reminder.service_layer.clock import Clock
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import command, reminder_service
from tests.support.waiting import eventually

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


class VirtualClock(Clock):
    """Time that jumps forward when someone sleeps (only the pacer sleeps on it)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset

    async def sleep_until(self, when: datetime, stop: asyncio.Event) -> None:
        ahead = when - self.now()
        if ahead > timedelta(0):
            self.offset += ahead
        await asyncio.sleep(0)


def fake_clock_burst(n: int, seed: int) -> list[datetime]:
    pacer, now, times = Pacer(PacingPolicy(), random.Random(seed)), T0, []
    for _ in range(n):
        now = pacer.next_slot(now)
        pacer.record(now)
        times.append(now)
    return times


async def service_burst(n: int) -> tuple[list[datetime], int, int]:
    """(dispatch times, sends while down, deferred events) from the real service."""
    configure_logging("bench", fmt="json", level="warning")
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(Path(tmp) / "nats")
        await server.start()
        try:
            settings = load_settings({}, nats_url=server.url, data_dir=str(Path(tmp) / "data"))
            bus = await open_bus(settings, "bench")
            standin = StandInSession(bus)
            await standin.start()
            await standin.create("t1", "s1")  # created, never connected yet: down
            options = ReminderSettings(outcome_timeout_s=86400)  # defaults, but no timeouts
            clock = VirtualClock()
            async with reminder_service(settings, options, clock=clock) as metrics:
                due = clock.now() + timedelta(seconds=30)
                for chunk in range(0, n, 25):
                    await asyncio.gather(*(
                        command(bus, ScheduleReminder(tenant="t1", session="s1",
                                                      to="201234567890", text=f"r{i}",
                                                      due_at=due))
                        for i in range(chunk, min(chunk + 25, n))
                    ))  # fmt: skip
                clock.offset += timedelta(seconds=31)  # all due now, session down
                await standin.disconnect("t1", "s1")  # any session event wakes the timer

                async def deferred() -> bool:
                    value = metrics.registry.get_sample_value("wa_reminders_deferred_total")
                    return value == n

                await eventually(deferred, timeout=120)
                down_calls = standin.calls_while_down() + len(standin.calls)
                await standin.connect("t1", "s1")

                async def all_sent() -> bool:
                    return len(standin.calls) >= n

                await eventually(all_sent, timeout=600, interval=0.2)
            engine = await open_reminder_db(settings.db_url("reminder"))
            async with engine.connect() as conn:
                rows = (await conn.execute(select(reminders.c.dispatched_at))).all()
            await engine.dispose()
            await standin.stop()
            await bus.close()
            times = sorted(r[0] for r in rows if r[0] is not None)
            deferred_events = int(
                metrics.registry.get_sample_value("wa_reminders_deferred_total") or 0
            )
            return times, down_calls, deferred_events
        finally:
            server.stop()


def figures(times: list[datetime]) -> dict[str, str]:
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    span = (times[-1] - times[0]).total_seconds()

    def most_in(window: timedelta) -> int:
        return max(sum(1 for t in times if s <= t < s + window) for s in times)

    short = [g for g in gaps if g < 60]  # gaps inside a minute, i.e. not waiting on a cap
    return {
        "sends": str(len(times)),
        "min gap (s)": f"{min(gaps):.2f}",
        "median gap (s)": f"{statistics.median(gaps):.2f}",
        "mean gap w/o cap waits (s)": f"{statistics.mean(short):.2f}",
        "max in any 60 s": str(most_in(timedelta(minutes=1))),
        "max in any hour": str(most_in(timedelta(hours=1))),
        "first 10 took (s)": f"{(times[9] - times[0]).total_seconds():.1f}",
        "whole burst took": f"{span / 3600:.2f} h",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    pure = figures(fake_clock_burst(args.n, seed=7))
    times, down_calls, deferred = asyncio.run(service_burst(args.n))
    live = figures(times)
    defaults = PacingPolicy()
    print(f"\n{args.n} reminders due at one instant, one session, default pacing "
          f"({defaults.min_spacing_s:g}-{defaults.min_spacing_s + defaults.jitter_s:g} s apart, "
          f"<= {defaults.per_minute}/min, <= {defaults.per_hour}/h)\n")  # fmt: skip
    print(f"| {'measure':<28} | {'pacer, fake clock':>18} | {'service, virtual clock':>22} |")
    print(f"|{'-' * 30}|{'-' * 20}|{'-' * 24}|")
    for key in pure:
        print(f"| {key:<28} | {pure[key]:>18} | {live[key]:>22} |")
    print(f"\nwhile the session was down: {down_calls} SendText commands (WhatsApp calls), "
          f"{deferred} reminder.deferred events for {args.n} reminders")  # fmt: skip
    print(f"ratio service/pacer, median gap: "
          f"{float(live['median gap (s)']) / float(pure['median gap (s)']):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
