"""A flaky but working link never ends in needs_attention: a connection that stayed up for
``stable_s`` starts the next drop's count afresh, and a client we ended ourselves (a recycled
worker) is reconnected without spending an attempt. Pure domain, on a fake clock."""

from datetime import datetime, timedelta

from contracts.events import SessionDisconnected
from contracts.events.session import DisconnectReason
from services.session.domain import transitions as t
from services.session.domain.policies import ReconnectPolicy
from services.session.domain.session import Session
from tests.unit.session.test_domain_session import JID, T0, applied, connected_session, half

POLICY = ReconnectPolicy(max_attempts=3, window_s=3600, stable_s=60)


def drop(s: Session, now: datetime, reason: DisconnectReason = "network") -> SessionDisconnected:
    (event,) = t.dropped(s, reason, now=now, policy=POLICY, rand=half)
    assert isinstance(event, SessionDisconnected)
    applied(s, [event], now)
    return event


def reconnect(s: Session, now: datetime) -> None:
    applied(s, t.connected(s, jid=JID, phone_number="+201234567890", push_name=None), now)


def test_drops_after_stable_connections_never_end_in_needs_attention() -> None:
    """Fails on the old code: every drop was an attempt until the window passed (30 min)."""
    s, now = connected_session(), T0
    for _ in range(10):  # ten blips in ten minutes, each after a minute of working link
        now += timedelta(seconds=60)
        event = drop(s, now)
        assert event.will_retry and event.attempt == 1 and len(s.reconnects) == 1
        reconnect(s, now)
    assert s.status == "connected"


def test_a_connection_shorter_than_stable_keeps_counting() -> None:
    s, now = connected_session(), T0
    attempts = []
    for _ in range(3):
        now += timedelta(seconds=10)
        attempts.append(drop(s, now).attempt)
        reconnect(s, now + timedelta(seconds=1))
    assert attempts == [1, 2, 3]
    last = drop(s, now + timedelta(seconds=20))
    assert not last.will_retry and last.needs_attention and s.status == "needs_attention"


def test_failed_reconnects_count_until_the_limit() -> None:
    s, now = connected_session(), T0 + timedelta(seconds=600)
    assert drop(s, now).attempt == 1  # stable before: a fresh count
    assert drop(s, now + timedelta(seconds=5), "connect_failure").attempt == 2
    assert drop(s, now + timedelta(seconds=9), "connect_failure").attempt == 3
    assert drop(s, now + timedelta(seconds=20), "connect_failure").needs_attention


def test_a_recycled_worker_is_reconnected_without_spending_an_attempt() -> None:
    s, now = connected_session(), T0
    for _ in range(5):
        now += timedelta(seconds=5)
        event = drop(s, now, "worker_recycled")
        assert event.will_retry and event.attempt == 0 and event.retry_at is not None
        assert s.status == "reconnecting" and s.reconnects == []
        reconnect(s, now + timedelta(seconds=1))
    assert drop(s, now + timedelta(seconds=10), "worker_hung").attempt == 1  # a hang counts


def test_replaying_the_log_gives_the_same_count() -> None:
    s, now = connected_session(), T0
    log: list[tuple[object, datetime]] = []
    for gap in (10, 10, 70, 5):
        now += timedelta(seconds=gap)
        for event in t.dropped(s, "network", now=now, policy=POLICY, rand=half):
            applied(s, [event], now)
            log.append((event, now))
        reconnect(s, now)
        log.append((s, now))
    replayed = connected_session()
    for event, at in log:
        if isinstance(event, SessionDisconnected):
            applied(replayed, [event], at)
        else:
            reconnect(replayed, at)
    assert replayed.reconnects == s.reconnects and len(s.reconnects) == 2
