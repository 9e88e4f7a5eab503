"""The restart policy on a fake clock: the delay doubles up to its cap, and the exit after the
limit within the window gives the service up; exits older than the window are forgotten."""

from cli.supervision import CrashHistory, GiveUp, Restart, RestartPolicy

POLICY = RestartPolicy(base_s=0.5, cap_s=4.0, limit=5, window_s=60.0)


def test_the_delay_doubles_from_the_base_up_to_the_cap() -> None:
    history = CrashHistory(RestartPolicy(base_s=0.5, cap_s=4.0, limit=10, window_s=60.0))
    delays = [history.exited(now=float(t)) for t in range(6)]
    assert delays == [Restart(0.5, 1), Restart(1.0, 2), Restart(2.0, 3), Restart(4.0, 4),
                      Restart(4.0, 5), Restart(4.0, 6)]  # fmt: skip


def test_the_exit_after_the_limit_within_the_window_gives_up() -> None:
    history = CrashHistory(POLICY)
    decisions = [history.exited(now=10.0 * t) for t in range(6)]  # 0 … 50 s: one window
    assert all(isinstance(d, Restart) for d in decisions[:5])
    assert decisions[5] == GiveUp(6)


def test_exits_older_than_the_window_no_longer_count() -> None:
    history = CrashHistory(POLICY)
    for t in range(5):
        assert isinstance(history.exited(now=10.0 * t), Restart)  # 0 … 40 s
    assert history.exited(now=99.9) == Restart(1.0, 2)  # only 40 s (and now) are within 60 s
    assert history.exited(now=1000.0) == Restart(0.5, 1)  # a service that failed long ago


def test_a_service_that_fails_now_and_then_is_restarted_forever() -> None:
    history = CrashHistory(POLICY)
    assert all(history.exited(now=61.0 * t) == Restart(0.5, 1) for t in range(100))


def test_a_limit_of_zero_never_restarts() -> None:
    assert CrashHistory(RestartPolicy(limit=0)).exited(now=0.0) == GiveUp(1)


def test_the_defaults_are_sane() -> None:
    policy = RestartPolicy()
    assert 0 < policy.base_s <= policy.cap_s <= 60 and policy.limit >= 3
    assert policy.window_s >= policy.limit * policy.cap_s / 2
