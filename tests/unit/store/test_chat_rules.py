"""The chat rules: a person's chat is keyed by their phone JID when known, links merge the
@lid chat into it, and our read receipts move the read mark; session options project."""

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite

from contracts.envelope import Envelope, make_event
from contracts.events import (
    ChatRead,
    ContactUpdated,
    Event,
    MessageQueued,
    MessageReceived,
    SessionOptionsChanged,
)
from services.store.adapters.statements import build_statements
from services.store.domain.batching import plan_runs
from services.store.domain.rules import changes_for

T0 = datetime(2026, 5, 1, tzinfo=UTC)
LID, PHONE = "77@lid", "201000000007@s.whatsapp.net"
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def env(payload: Event) -> Envelope:
    return make_event(payload, tenant="t1", session="s1", occurred_at=T0, event_id="e1")


def received(**fields: object) -> MessageReceived:
    base: dict[str, object] = {"message_id": "m1", "chat_jid": LID, "sender_jid": LID,
                               "sent_at": T0}  # fmt: skip
    return MessageReceived(**{**base, **fields})  # type: ignore[arg-type]


def test_a_lid_chat_with_a_known_phone_is_the_phones_chat() -> None:
    changes = changes_for(1, env(received(sender_phone_jid=PHONE, sender_lid=LID)))
    chat = next(c for c in changes if c.op == "chat.message_with_lid")
    assert (chat.params["chat_key"], chat.params["lid"]) == (PHONE, LID)


def test_a_message_without_a_lid_leaves_the_chats_lid_unnamed() -> None:
    """Its upsert does not assign the column at all (SQLite would rewrite ix_chats_lid)."""
    ev = received(chat_jid=PHONE, sender_jid=PHONE, sender_phone_jid=PHONE)
    (chat,) = [c for c in changes_for(1, env(ev)) if c.op.startswith("chat.")]
    assert (chat.op, chat.params["lid"]) == ("chat.message", None)
    for dialect in ("sqlite", "postgresql"):
        (plain,) = build_statements(dialect)["chat.message"]
        (with_lid,) = build_statements(dialect)["chat.message_with_lid"]
        updates = [str(s.compile(dialect=DIALECTS[dialect])).split("DO UPDATE SET")[1]
                   for s in (plain, with_lid)]  # fmt: skip
        assert " lid = " not in updates[0] and " lid = " in updates[1], dialect


def test_a_lid_only_chat_is_resolved_after_the_links_before_it() -> None:
    chat = next(c for c in changes_for(1, env(received())) if c.op == "chat.message_lid")
    assert chat.params["chat_key"] == LID
    assert ("contact", "t1", "s1", LID) in chat.keys  # ordered after a link of that LID


def test_a_group_chat_keeps_its_jid_and_takes_no_senders_lid() -> None:
    ev = received(chat_jid="1203@g.us", is_group=True, sender_lid=LID, sender_phone_jid=PHONE)
    chat = next(c for c in changes_for(1, env(ev)) if c.op == "chat.message")
    assert (chat.params["chat_key"], chat.params["lid"]) == ("1203@g.us", None)


def test_a_queued_send_is_the_chats_newest_activity() -> None:
    queued = MessageQueued(message_id="o1", chat_jid=PHONE, text="hi")
    _, chat = changes_for(1, env(queued))
    assert chat.op == "chat.message" and chat.params["sort_at"] == T0


def test_a_link_merges_the_lid_chat_and_is_ordered_with_both_rows() -> None:
    changes = changes_for(1, env(ContactUpdated(jid=PHONE, lid=LID)))
    assert [c.op for c in changes] == ["contact.linked", "chat.linked"]
    link = changes[1]
    assert {("chat", "t1", "s1", PHONE), ("chat", "t1", "s1", LID)} <= set(link.keys)
    lid_message = next(c for c in changes_for(2, env(received())) if c.op == "chat.message_lid")
    runs = plan_runs([lid_message, *changes, lid_message])  # the second after the link
    ops = ["chat.message_lid", "contact.linked", "chat.linked", "chat.message_lid"]
    assert [r.op for r in runs] == ops


def test_a_read_receipt_moves_the_read_mark_and_options_project() -> None:
    (read,) = changes_for(1, env(ChatRead(chat_jid=PHONE, message_ids=["m1"], up_to=T0)))
    assert read.op == "chat.read" and read.params["up_to"] == T0
    (options,) = changes_for(2, env(SessionOptionsChanged(typing_before_send=True)))
    assert options.op == "session.options" and options.params["typing_before_send"] is True
