"""A scripted conversation: replies, a location, a contact card, reactions (replaced and
removed), edits (one of them after a revoke, which must not bring the text back), revokes."""

from datetime import UTC, datetime, timedelta

from contracts.conversation import ContactCard, Location, MessageRef, Quote, React
from contracts.envelope import Envelope, make_event
from contracts.events import (
    Event,
    MessageActionQueued,
    MessageEdited,
    MessageQueued,
    MessageReacted,
    MessageReceived,
    MessageRevoked,
    MessageSent,
    SessionCreated,
)

__all__ = ["CHAT", "PEER", "T0", "conversation"]

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
CHAT = PEER = "201000000001@s.whatsapp.net"
OTHER = "201000000002@s.whatsapp.net"
ME = "201234567890@s.whatsapp.net"


def _script() -> list[Event]:
    at = [T0 + timedelta(seconds=i) for i in range(40)]

    def received(mid: str, n: int, **fields: object) -> MessageReceived:
        return MessageReceived(message_id=mid, chat_jid=CHAT, sender_jid=PEER, sent_at=at[n],
                               **fields)  # type: ignore[arg-type]  # fmt: skip

    def react(mid: str, who: str, emoji: str, n: int, me: bool = False) -> MessageReacted:
        return MessageReacted(message_id=mid, chat_jid=CHAT, sender_jid=who, from_me=me,
                              emoji=emoji, reacted_at=at[n], action_id=f"r{n}")  # fmt: skip

    target = MessageRef(message_id="in1", chat_jid=CHAT, sender_jid=PEER, sent_at=at[1])
    return [
        SessionCreated(name="Conversations"),
        received("in1", 1, text="where are you?"),
        received("in2", 2, text="here", reply_to="in1", location=Location(
            latitude=30.0444, longitude=31.2357, name="Tahrir", address="Cairo")),
        received("in3", 3, contact=ContactCard(name="Mona", phone="+201000000009",
                 vcard="BEGIN:VCARD\nFN:Mona\nEND:VCARD"), media_kind="contact"),
        MessageQueued(message_id="out1", chat_jid=CHAT, text="on my way",
                      quote=Quote(message_id="in2", sender_jid=PEER, text="here")),
        MessageSent(message_id="out1", chat_jid=CHAT),
        react("in1", PEER, "👍", 6),
        react("in1", OTHER, "❤️", 7),
        react("in1", PEER, "😂", 8),  # replaces 👍
        MessageActionQueued(action_id="a9", chat_jid=CHAT, target=target,
                            action=React(emoji="🙏")),
        react("in1", ME, "🙏", 10, me=True),
        react("in1", OTHER, "", 11),  # removes ❤️
        MessageEdited(message_id="out1", chat_jid=CHAT, sender_jid=ME, from_me=True,
                      text="on my way!", edited_at=at[12], action_id="e12"),
        MessageEdited(message_id="out1", chat_jid=CHAT, sender_jid=ME, from_me=True,
                      text="on my way!!", edited_at=at[13], action_id="e13"),
        MessageEdited(message_id="in1", chat_jid=CHAT, sender_jid=PEER, text="where r u?",
                      edited_at=at[14], action_id="e14"),
        MessageEdited(message_id="in3", chat_jid=CHAT, sender_jid=OTHER, text="not theirs",
                      edited_at=at[14], action_id="e14b"),  # not the author: no edit
        MessageRevoked(message_id="in1", chat_jid=CHAT, sender_jid=PEER, revoked_at=at[15],
                       action_id="v15"),
        MessageEdited(message_id="in1", chat_jid=CHAT, sender_jid=PEER, text="too late",
                      edited_at=at[16], action_id="e16"),
        MessageRevoked(message_id="in2", chat_jid=CHAT, sender_jid=PEER, revoked_at=at[17],
                       action_id="v17"),
    ]  # fmt: skip


def conversation(tenant: str = "tc", session: str = "sc", first: int = 1) -> list[Envelope]:
    """The script as envelopes of one session, event ids ``conv<n>`` from ``first``."""
    at = [T0 + timedelta(seconds=i) for i in range(len(_script()))]
    return [
        make_event(
            p, tenant=tenant, session=session, occurred_at=at[i], event_id=f"conv{first + i}"
        )
        for i, p in enumerate(_script())
    ]
