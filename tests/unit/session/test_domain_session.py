"""The session state machine: transitions return events; only applying them changes state."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from contracts.events import (
    GroupCreated,
    GroupJoined,
    GroupLeft,
    GroupParticipantsChanged,
    GroupSynced,
    MessageQueued,
    MessageSendFailed,
    MessageSent,
    SessionConnected,
    SessionCreated,
    SessionDisconnected,
    SessionLoggedOut,
    SessionPairingStarted,
)
from services.session.domain import transitions as t
from services.session.domain.policies import ReconnectPolicy, SendRetryPolicy
from services.session.domain.session import Session
from tests.unit.session.flapping import count_connection_attempts

T0 = datetime(2026, 1, 1, tzinfo=UTC)
JID = "201234567890:3@s.whatsapp.net"


def half() -> float:
    return 0.5


def applied(s: Session, events: list, at: datetime = T0) -> Session:  # type: ignore[type-arg]
    for ev in events:
        s.apply(ev, at)
    return s


def connected_session() -> Session:
    s = applied(Session(tenant="t", session="s"), [SessionCreated(name="Sales")])
    applied(s, t.start_pairing(s, "qr", None))
    return applied(s, t.connected(s, jid=JID, phone_number="+201234567890", push_name=None))


def test_a_transition_changes_nothing_until_its_events_are_applied() -> None:
    s = applied(Session(tenant="t", session="s"), [SessionCreated(name="Sales")])
    events = t.start_pairing(s, "qr", None)
    assert events == [SessionPairingStarted(method="qr")] and s.status == "new"
    assert applied(s, events).status == "pairing"


def test_the_happy_path_new_pairing_connected() -> None:
    s = connected_session()
    assert (s.status, s.jid, s.phone_number) == ("connected", JID, "+201234567890")


@pytest.mark.parametrize("status", ["connected", "reconnecting"])
def test_pairing_a_live_session_is_refused(status: str) -> None:
    s = connected_session()
    s.status = status  # type: ignore[assignment]
    with pytest.raises(t.Refusal) as refused:
        t.start_pairing(s, "qr", None)
    assert refused.value.code == "already_connected"


def test_a_network_drop_is_retried_then_needs_attention_after_the_limit() -> None:
    s, policy, now = connected_session(), ReconnectPolicy(max_attempts=3), T0
    for attempt in (1, 2, 3):
        (drop,) = t.dropped(s, "network", now=now, policy=policy, rand=half)
        assert isinstance(drop, SessionDisconnected) and drop.will_retry
        assert drop.attempt == attempt and drop.retry_at is not None
        applied(s, [drop], now)
        assert s.status == "reconnecting"
        now += timedelta(seconds=10)
    (last,) = t.dropped(s, "keepalive", now=now, policy=policy, rand=half)
    assert isinstance(last, SessionDisconnected)
    assert not last.will_retry and last.needs_attention
    assert applied(s, [last]).status == "needs_attention"
    assert t.dropped(s, "network", now=now, policy=policy, rand=half) == []


@pytest.mark.parametrize(
    ("reason", "status"),
    [("logout", "logged_out"), ("replaced", "logged_out"), ("banned", "banned")],
)
def test_logout_replaced_and_ban_are_final(reason: str, status: str) -> None:
    s = connected_session()
    events = t.logged_out(s, reason)  # type: ignore[arg-type]
    assert events == [SessionLoggedOut(reason=reason)]  # type: ignore[arg-type]
    assert applied(s, events).status == status
    assert t.dropped(s, "network", now=T0, policy=ReconnectPolicy(), rand=half) == []
    assert t.connected(s, jid=JID, phone_number="+1", push_name=None) == []


def test_manual_reconnect_only_from_needs_attention() -> None:
    s = connected_session()
    with pytest.raises(t.Refusal):
        t.reconnect(s)
    s.status = "needs_attention"
    assert applied(s, t.reconnect(s)).status == "reconnecting" and s.reconnects == []


def test_sends_are_refused_unless_connected_and_finish_in_a_recorded_state() -> None:
    s = connected_session()
    applied(s, t.queue_send(s, message_id="m1", chat_jid="c", text="hi", reminder_id=None))
    assert list(s.pending) == ["m1"]
    policy = SendRetryPolicy(max_attempts=2)
    (first,) = t.send_failed(s, "m1", error="x", retryable=True, now=T0, policy=policy, rand=half)
    assert isinstance(first, MessageSendFailed) and first.will_retry and first.attempt == 1
    applied(s, [first])
    (second,) = t.send_failed(s, "m1", error="x", retryable=True, now=T0, policy=policy, rand=half)
    assert isinstance(second, MessageSendFailed) and not second.will_retry and second.attempt == 2
    assert applied(s, [second]).pending == {}
    applied(s, t.queue_send(s, message_id="m2", chat_jid="c", text="hi", reminder_id=None))
    assert t.send_succeeded(s, "m2") == [MessageSent(message_id="m2", chat_jid="c", attempt=1)]
    s.status = "reconnecting"
    with pytest.raises(t.Refusal) as refused:
        t.queue_send(s, message_id="m3", chat_jid="c", text="hi", reminder_id=None)
    assert refused.value.code == "not_connected"


def test_a_logout_fails_every_unfinished_send_finally() -> None:
    s = connected_session()
    applied(s, [MessageQueued(message_id="m1", chat_jid="c", text="x")])
    events = t.logged_out(s, "logout")
    failed = [e for e in events if isinstance(e, MessageSendFailed)]
    assert [(f.message_id, f.will_retry) for f in failed] == [("m1", False)]
    assert applied(s, events).pending == {}


def test_deleted_sessions_are_not_found() -> None:
    s = connected_session()
    applied(s, t.delete(s))
    with pytest.raises(t.Refusal) as refused:
        t.start_pairing(s, "qr", None)
    assert refused.value.code == "not_found" and s.status == "deleted"


def test_a_reconnected_session_emits_connected_again() -> None:
    s = connected_session()
    applied(s, t.dropped(s, "network", now=T0, policy=ReconnectPolicy(), rand=half))
    assert t.connected(s, jid=JID, phone_number="+1", push_name=None) == [
        SessionConnected(phone_number="+1", jid=JID)
    ]


def test_a_flapping_network_gets_a_bounded_number_of_attempts() -> None:
    attempts, status = count_connection_attempts(flap_every_s=5, duration_s=3600)
    assert attempts == 1 + ReconnectPolicy().max_attempts and status == "needs_attention"


def test_the_groups_follow_joins_snapshots_and_leaves_and_survive_encoding() -> None:
    """Kept in the state (rebuilt from the events), so a restart knows them."""
    s = connected_session()
    applied(s, [GroupCreated(group_jid="a@g.us", subject="A"), GroupJoined(group_jid="b@g.us",
            subject="B"), GroupSynced(group_jid="c@g.us", subject="C")])  # fmt: skip
    applied(s, [GroupLeft(group_jid="b@g.us"), GroupParticipantsChanged(
        group_jid="a@g.us", action="remove", participants=["x@s.whatsapp.net"])])  # fmt: skip
    assert s.groups == {"a@g.us", "c@g.us"}  # another's removal is not ours
    again = msgspec.json.decode(msgspec.json.encode(s), type=Session)
    assert again.groups == s.groups
    old = msgspec.json.decode(b'{"tenant":"t","session":"s"}', type=Session)  # a stored state
    assert old.groups == set()  # from before groups were kept: filled by the next sync
