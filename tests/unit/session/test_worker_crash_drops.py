"""A neonize worker's death is a drop like any other: retried and counted by the policy."""

from datetime import timedelta

from contracts.events import SessionDisconnected
from services.session.domain import transitions as t
from services.session.domain.policies import ReconnectPolicy
from tests.unit.session.test_domain_session import T0, applied, connected_session, half


def test_worker_crashes_are_retried_and_counted_until_the_limit() -> None:
    s, policy, now = connected_session(), ReconnectPolicy(max_attempts=2), T0
    for attempt in (1, 2):
        (drop,) = t.dropped(s, "worker_crashed", now=now, policy=policy, rand=half)
        assert isinstance(drop, SessionDisconnected) and drop.will_retry
        assert drop.reason == "worker_crashed" and drop.attempt == attempt
        applied(s, [drop], now)
        now += timedelta(seconds=1)
    (last,) = t.dropped(s, "worker_crashed", now=now, policy=policy, rand=half)
    assert isinstance(last, SessionDisconnected) and last.needs_attention
