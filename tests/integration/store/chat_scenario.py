"""A small story of chats, as the session service would log it: a person first seen by @lid,
then linked to their phone; a group; our sends; read receipts; a session option."""

from datetime import UTC, datetime, timedelta

from contracts.codec import encode_event
from contracts.envelope import Envelope, make_event
from contracts.events import (
    ChatRead,
    ContactUpdated,
    Event,
    MessageQueued,
    MessageReceived,
    SessionConnected,
    SessionCreated,
    SessionOptionsChanged,
)
from contracts.subjects import event_subject

__all__ = ["GROUP", "LID", "OTHER", "PHONE", "chat_events", "encoded_chat_events"]

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
LID, PHONE = "9911@lid", "201000000011@s.whatsapp.net"
OTHER, GROUP = "201000000022@s.whatsapp.net", "120363000001@g.us"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _story() -> list[Event]:
    def inc(n: int, chat: str, sender: str, **more: object) -> MessageReceived:
        fields = {"message_id": f"in{n}", "chat_jid": chat, "sender_jid": sender, **more}
        return MessageReceived(sent_at=at(n), **fields)  # type: ignore[arg-type]

    return [
        SessionCreated(name="Chats"),
        SessionConnected(phone_number="201000000001", jid="201000000001:2@s.whatsapp.net"),
        SessionOptionsChanged(typing_before_send=True),
        inc(1, LID, LID, push_name="Laila"),  # known by @lid alone: a chat of its own
        inc(2, LID, LID),
        inc(3, OTHER, OTHER, push_name="Omar"),
        inc(4, GROUP, OTHER, is_group=True, sender_phone_jid=OTHER),
        ContactUpdated(jid=PHONE, lid=LID, push_name="Laila"),  # the link: one chat now
        inc(5, LID, LID),  # still by @lid: the linked chat
        inc(6, LID, LID, sender_phone_jid=PHONE, sender_lid=LID),
        MessageQueued(message_id="out1", chat_jid=OTHER, text="hello Omar"),
        ChatRead(chat_jid=PHONE, message_ids=["in1", "in2", "in5"], up_to=at(5)),
        ChatRead(chat_jid=GROUP, message_ids=["in4"], sender_jid=OTHER, up_to=at(4)),
    ]


def chat_events(tenant: str = "tc", session: str = "sc") -> list[Envelope]:
    return [
        make_event(p, tenant=tenant, session=session, occurred_at=at(i), event_id=f"chat-{i}")
        for i, p in enumerate(_story())
    ]


def encoded_chat_events() -> list[tuple[str, bytes, str]]:
    return [
        (event_subject(e.tenant, e.session, e.type), encode_event(e), e.id) for e in chat_events()
    ]
