"""The per-session pacer, driven by a fake clock: spacing with jitter, caps per minute/hour."""

import itertools
import random
from datetime import UTC, datetime, timedelta

from services.reminder.domain.pacer import Pacer, PacingPolicy

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def burst(pacer: Pacer, n: int, start: datetime = T0) -> list[datetime]:
    """Release ``n`` sends at once and let them go as fast as the pacer allows."""
    now, times = start, []
    for _ in range(n):
        now = pacer.next_slot(now)
        pacer.record(now)
        times.append(now)
    return times


def max_in_window(times: list[datetime], window: timedelta) -> int:
    return max(sum(1 for t in times if s <= t < s + window) for s in times)


def test_the_first_send_goes_at_once_and_the_next_waits_spacing_plus_jitter() -> None:
    pacer = Pacer(PacingPolicy(min_spacing_s=4, jitter_s=4), random.Random(1))
    assert pacer.next_slot(T0) == T0
    pacer.record(T0)
    gap = (pacer.next_slot(T0) - T0).total_seconds()
    assert 4 <= gap <= 8


def test_gaps_are_jittered_not_a_fixed_rhythm() -> None:
    times = burst(Pacer(PacingPolicy(per_minute=0, per_hour=0), random.Random(2)), 50)
    gaps = {round((b - a).total_seconds(), 3) for a, b in itertools.pairwise(times)}
    assert len(gaps) > 40 and min(gaps) >= 4 and max(gaps) <= 8


def test_caps_per_minute_and_per_hour_hold_for_a_burst_of_500() -> None:
    policy = PacingPolicy()
    times = burst(Pacer(policy, random.Random(3)), 500)
    assert max_in_window(times, timedelta(minutes=1)) <= policy.per_minute
    assert max_in_window(times, timedelta(hours=1)) <= policy.per_hour
    assert min(b - a for a, b in itertools.pairwise(times)) >= timedelta(seconds=4)


def test_the_minute_cap_binds_when_spacing_alone_would_allow_more() -> None:
    pacer = Pacer(PacingPolicy(min_spacing_s=0, jitter_s=0, per_minute=3, per_hour=0))
    times = burst(pacer, 4)
    assert times[:3] == [T0, T0, T0] and times[3] == T0 + timedelta(minutes=1)


def test_history_from_the_database_is_respected_after_a_restart() -> None:
    policy = PacingPolicy(min_spacing_s=0, jitter_s=0, per_minute=0, per_hour=5)
    history = [T0 + timedelta(minutes=i) for i in range(5)]
    pacer = Pacer(policy, history=history)
    assert pacer.next_slot(T0 + timedelta(minutes=10)) == T0 + timedelta(hours=1)
