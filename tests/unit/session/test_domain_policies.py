"""Reconnect and send-retry backoff (full jitter, capped), and the outbound pacer."""

import itertools
import random
from datetime import UTC, datetime, timedelta

from contracts.events.session import SendPacing
from services.session.domain.pacing import Pacer
from services.session.domain.policies import GiveUp, ReconnectPolicy, Retry, SendRetryPolicy

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def top() -> float:
    return 0.999999


def test_backoff_doubles_from_the_base_and_is_capped() -> None:
    policy = ReconnectPolicy(base_s=2, cap_s=300, max_attempts=20, window_s=10**9)
    history: list[datetime] = []
    ceilings = []
    for _ in range(10):
        decision = policy.decide(history, T0, top)
        assert isinstance(decision, Retry)
        ceilings.append(round(decision.delay_s))
        history.append(T0)
    assert ceilings == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


def test_full_jitter_draws_from_zero_to_the_ceiling() -> None:
    policy = ReconnectPolicy()
    delays = {policy.decide([T0] * 3, T0, random.Random(i).random).delay_s for i in range(200)}  # type: ignore[union-attr]
    assert min(delays) < 1.0 and max(delays) > 15.0 and max(delays) <= 16.0


def test_attempts_older_than_the_window_do_not_count() -> None:
    policy = ReconnectPolicy(max_attempts=2, window_s=60)
    old = [T0 - timedelta(seconds=61)] * 5
    assert isinstance(policy.decide(old, T0, top), Retry)
    assert isinstance(policy.decide([T0, T0], T0, top), GiveUp)


def test_send_retries_are_bounded_and_non_retryable_errors_are_final() -> None:
    policy = SendRetryPolicy(max_attempts=3)
    assert isinstance(policy.decide(1, True, top), Retry)
    assert isinstance(policy.decide(3, True, top), GiveUp)
    assert isinstance(policy.decide(1, False, top), GiveUp)


def test_the_pacer_allows_a_burst_then_the_refill_rate() -> None:
    pacing = SendPacing(per_minute=60, burst=3, min_spacing_s=0.5, jitter_s=0)
    pacer = Pacer(pacing, top, now=0.0)
    times = [pacer.reserve(0.0) for _ in range(6)]
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    assert times[0] == 0.0 and gaps[:2] == [0.5, 0.5]
    assert all(gap >= 0.5 for gap in gaps) and times[-1] >= 3.0


def test_the_pacer_keeps_the_minimum_spacing_plus_jitter() -> None:
    pacing = SendPacing(per_minute=6000, burst=100, min_spacing_s=1.0, jitter_s=2.0)
    pacer = Pacer(pacing, random.Random(1).random, now=0.0)
    times = [pacer.reserve(0.0) for _ in range(50)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0 and max(gaps) <= 3.0 and len({round(g, 3) for g in gaps}) > 10


def test_the_default_pacing_holds_a_long_run_to_the_rate() -> None:
    pacer = Pacer(SendPacing(), random.Random(3).random, now=0.0)
    times = [pacer.reserve(0.0) for _ in range(200)]
    per_minute = SendPacing().per_minute
    assert times[-1] >= (200 - SendPacing().burst) / per_minute * 60
