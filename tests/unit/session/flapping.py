"""A session whose network drops every few seconds, run on a fake clock (pure domain only)."""

import random
from datetime import UTC, datetime, timedelta

from contracts.events import SessionConnected, SessionDisconnected
from services.session.domain import transitions
from services.session.domain.policies import ReconnectPolicy
from services.session.domain.session import Session


def count_connection_attempts(
    *, flap_every_s: float = 5.0, duration_s: float = 3600.0, seed: int = 7
) -> tuple[int, str]:
    """Connection attempts (the first one included) in ``duration_s``; and the final status."""
    rand = random.Random(seed).random
    policy = ReconnectPolicy()
    start = now = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(seconds=duration_s)
    s = Session(tenant="t", session="s", status="pairing")
    attempts = 1
    while now < end:
        for ev in transitions.connected(
            s, jid="1:1@s.whatsapp.net", phone_number="+1", push_name=None
        ):
            s.apply(ev, now)
        now += timedelta(seconds=flap_every_s)
        events = transitions.dropped(s, "network", now=now, policy=policy, rand=rand)
        for ev in events:
            s.apply(ev, now)
        drop = events[0]
        assert isinstance(drop, SessionDisconnected)
        if not drop.will_retry or drop.retry_at is None or drop.retry_at >= end:
            break
        now = drop.retry_at
        attempts += 1
    assert not isinstance(s, SessionConnected)
    return attempts, s.status
