"""The pure projection rules and the batching planner: events in, row changes out."""

from datetime import UTC, datetime

import msgspec
import pytest

from contracts.conversation import Location
from contracts.envelope import Envelope, make_event
from contracts.events import (
    ContactUpdated,
    Event,
    MessageReceived,
    MessageSendFailed,
    MessageStatus,
    ReminderDeferred,
    ReminderRetrying,
    SessionDisconnected,
    SessionLoggedOut,
)
from services.store.domain.batching import plan_runs
from services.store.domain.changes import RowChange
from services.store.domain.contacts import phone_of
from services.store.domain.cursors import (
    BadCursor,
    KeyCursor,
    TimeCursor,
    decode_cursor,
    encode_cursor,
)
from services.store.domain.rules import STATUS_RANK, changes_for

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def env(payload: Event) -> Envelope:
    return make_event(payload, tenant="t1", session="s1", occurred_at=T0, event_id="e1")


def test_a_drop_that_will_be_retried_is_recorded_as_a_reconnect_attempt() -> None:
    ops = changes_for(7, env(SessionDisconnected(reason="network", will_retry=True, attempt=2)))
    assert [c.op for c in ops] == ["session.disconnected", "session.disconnect_recorded"]
    assert ops[0].params["status"] == "reconnecting"
    assert ops[1].params["will_retry"] is True and ops[1].params["sequence"] == 7


@pytest.mark.parametrize(("reason", "status"), [("banned", "banned"), ("replaced", "logged_out")])
def test_a_logout_ends_in_logged_out_or_banned(reason: str, status: str) -> None:
    (change,) = changes_for(1, env(SessionLoggedOut(reason=reason)))  # type: ignore[arg-type]
    assert change.params["status"] == status


def test_an_old_message_from_a_lid_sender_is_kept_flagged_and_makes_a_linked_contact() -> None:
    lid, phone = "123@lid", "201000000009@s.whatsapp.net"
    message = MessageReceived(
        message_id="m1",
        chat_jid=lid,
        sender_jid=lid,
        sender_phone_jid=phone,
        sender_lid=lid,
        push_name="Ali",
        sent_at=T0,
        is_old=True,
    )
    stored, chat, contact = changes_for(1, env(message))
    assert stored.op == "message.received_text" and stored.params["is_old"] is True
    assert chat.op == "chat.message_with_lid" and (chat.params["chat_key"], chat.params["lid"]) == (
        phone,
        lid,
    )
    assert stored.params["sender_jid"] == phone and stored.params["sender_lid"] == lid
    assert contact.op == "contact.linked"
    assert (contact.params["jid"], contact.params["lid"]) == (phone, lid)
    assert contact.params["phone_number"] == "201000000009"


def test_a_contact_known_only_by_lid_is_keyed_by_it() -> None:
    (change,) = changes_for(1, env(ContactUpdated(jid="55@lid", push_name="Mona")))
    assert change.op == "contact.by_lid" and change.params["lid"] == "55@lid"


def test_a_final_send_failure_fails_the_message_and_a_retry_keeps_it_queued() -> None:
    def failed(retry: bool) -> RowChange:
        ev = MessageSendFailed(message_id="m", chat_jid="c", error="x", attempt=1, will_retry=retry)
        return changes_for(1, env(ev))[0]

    assert failed(False).params["status"] == "failed"
    assert failed(True).params["rank"] < STATUS_RANK["queued"]  # never changes the status


def test_receipts_rank_forward() -> None:
    (read,) = changes_for(1, env(MessageStatus(message_id="m", chat_jid="c", status="read")))
    assert read.params["rank"] > STATUS_RANK["delivered"] > STATUS_RANK["sent"]


def test_a_reminder_change_adds_a_history_entry() -> None:
    ops = changes_for(9, env(ReminderDeferred(reminder_id="r1", reason="not_connected")))
    assert [c.op for c in ops] == ["reminder.changed", "reminder.history"]
    assert ops[1].params["detail"] == "not_connected"
    assert ops[1].params["event"] == "reminder.deferred" and ops[0].params["status"] == "deferred"


def test_a_retry_shows_as_retrying_with_its_reason_and_next_attempt() -> None:
    at = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
    ev = ReminderRetrying(reminder_id="r1", attempt=2, reason="no_outcome", retry_at=at)
    changed, history = changes_for(9, env(ev))
    assert changed.op == "reminder.changed"
    assert (changed.params["status"], changed.params["attempts"]) == ("retrying", 2)
    assert changed.params["reason"] == "no_outcome"
    assert history.params["event"] == "reminder.retrying"
    assert history.params["detail"] == "no_outcome; next attempt at 2026-01-01T09:30:00+00:00"


def change(op: str, *keys: str, n: int = 0) -> RowChange:
    return RowChange(op, tuple((k,) for k in keys), {"n": n})  # type: ignore[arg-type]


def test_batching_groups_independent_rows_and_keeps_order_per_row() -> None:
    runs = plan_runs(
        [
            change("message.received", "a", n=1),
            change("message.status", "a", n=2),
            change("message.received", "b", n=3),  # joins run 0: nothing after it touches b
            change("message.received", "a", n=4),  # after a status of a: a new run
        ]
    )
    assert [(r.op, [p["n"] for p in r.params]) for r in runs] == [
        ("message.received", [1, 3]),
        ("message.status", [2]),
        ("message.received", [4]),
    ]


def test_a_wide_change_keeps_every_other_on_its_side() -> None:
    runs = plan_runs(
        [
            change("contact.by_phone", "a", n=1),
            change("chat.message", "b", n=2),
            change("contact.by_phone", "c", n=3),  # joins run 0
            change("contact.by_lid", "l", n=4),  # after all before it, though it names none
            change("contact.by_phone", "a", n=5),  # after it, though it names no row of it
            change("chat.message", "d", n=6),  # after it too, though run 1 is free of d
            change("contact.by_phone", "e", n=7),  # joins run 3
        ]
    )
    assert [(r.op, [p["n"] for p in r.params]) for r in runs] == [
        ("contact.by_phone", [1, 3]),
        ("chat.message", [2]),
        ("contact.by_lid", [4]),
        ("contact.by_phone", [5, 7]),
        ("chat.message", [6]),
    ]


def test_phone_of_reads_user_jids_only() -> None:
    assert phone_of("201234567890:12@s.whatsapp.net") == "201234567890"
    assert phone_of("1203630@g.us") is None and phone_of("55@lid") is None


def test_cursors_round_trip_and_refuse_forgeries() -> None:
    cursor = TimeCursor(T0, "m1")
    assert decode_cursor(encode_cursor(cursor), TimeCursor) == cursor
    with pytest.raises(BadCursor):
        decode_cursor(encode_cursor(KeyCursor("x")), TimeCursor)
    with pytest.raises(BadCursor):
        decode_cursor("%%%", KeyCursor)


def test_a_failed_pairing_projects_its_reason() -> None:
    from contracts.events import SessionPairingFailed

    (change,) = changes_for(1, env(SessionPairingFailed(reason="timeout")))
    assert change.op == "session.pairing_failed" and change.params["reason"] == "timeout"


def test_text_alone_takes_the_lean_statement_and_anything_more_the_full_one() -> None:
    """A message with nothing but text binds none of the media, card or quote columns (they
    stay NULL); one with any of them binds them all."""
    phone = "201000000009@s.whatsapp.net"
    plain = MessageReceived(
        message_id="m1", chat_jid=phone, sender_jid=phone, text="hi", sent_at=T0
    )
    (stored, *_) = changes_for(1, env(plain))
    assert stored.op == "message.received_text"
    rich_only = {"media_kind", "media", "media_status", "reply_to", "location", "contact"}
    assert not rich_only & stored.params.keys()
    for rich in (
        msgspec.structs.replace(plain, reply_to="m0"),
        msgspec.structs.replace(plain, location=Location(latitude=30.0, longitude=31.2)),
        msgspec.structs.replace(plain, media_kind="image"),
    ):
        (stored, *_) = changes_for(1, env(rich))
        assert stored.op == "message.received" and rich_only <= stored.params.keys()
