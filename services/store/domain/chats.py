"""Chats: one row per chat, keyed by the phone JID once known (a chat first seen by @lid is
merged into it when the two are linked); its newest message and our last read receipt. Pure.

Every change of a chat's row records the event's stream sequence: every event that changes
what a chat shows (its newest message, its unread count) touches its row, so a client that
merges /v1/events into a chat it read skips the events up to that sequence.
"""

from datetime import datetime

from contracts.envelope import Envelope
from contracts.events import ChatRead, MessageQueued, MessageReceived
from services.store.domain.changes import Op, RowChange

__all__ = ["chat_linked", "chat_of_queued", "chat_of_received", "chat_read"]


def _keys(tenant: str, session: str, chat: str) -> tuple[tuple[str, ...], ...]:
    if chat.endswith("@lid"):  # resolved through the contacts table: ordered after its links
        return (("chat", tenant, session, chat), ("contact", tenant, session, chat))
    return (("chat", tenant, session, chat),)


def _message(
    sequence: int, env: Envelope, chat: str, lid: str | None, message_id: str, sort_at: datetime
) -> RowChange:
    params = {
        "tenant": env.tenant,
        "session_id": env.session,
        "at": env.occurred_at,
        "sequence": sequence,
        "chat_key": chat,
        "lid": lid,
        "message_id": message_id,
        "sort_at": sort_at,
    }
    op: Op
    if chat.endswith("@lid"):
        op = "chat.message_lid"  # its phone JID's chat if linked: resolved through contacts
    elif lid is None:
        op = "chat.message"  # the row keeps the LID it has
    else:
        op = "chat.message_with_lid"
    return RowChange(op, _keys(env.tenant, env.session, chat), params)


def chat_of_received(sequence: int, env: Envelope, ev: MessageReceived) -> RowChange:
    chat, lid = ev.chat_jid, ev.chat_jid if ev.chat_jid.endswith("@lid") else None
    if not ev.is_group and not ev.from_me:  # a person's own chat: their identities are its
        lid = lid or ev.sender_lid
        chat = ev.sender_phone_jid or chat
    return _message(sequence, env, chat, lid, ev.message_id, ev.sent_at)


def chat_of_queued(sequence: int, env: Envelope, ev: MessageQueued) -> RowChange:
    lid = ev.chat_jid if ev.chat_jid.endswith("@lid") else None
    return _message(sequence, env, ev.chat_jid, lid, ev.message_id, env.occurred_at)


def chat_linked(
    sequence: int, tenant: str, session: str, at: datetime, jid: str, lid: str
) -> RowChange:
    """The chat known by ``lid`` (if any) becomes part of the chat of ``jid``."""
    params = {
        "tenant": tenant, "session_id": session, "at": at, "sequence": sequence,
        "jid": jid, "lid": lid,
    }  # fmt: skip
    keys = (("chat", tenant, session, jid), ("chat", tenant, session, lid))
    return RowChange("chat.linked", keys, params)


def chat_read(sequence: int, env: Envelope, ev: ChatRead) -> RowChange:
    params = {
        "tenant": env.tenant,
        "session_id": env.session,
        "at": env.occurred_at,
        "sequence": sequence,
        "chat_jid": ev.chat_jid,
        "up_to": ev.up_to,
    }
    op: Op = "chat.read_lid" if ev.chat_jid.endswith("@lid") else "chat.read"
    return RowChange(op, _keys(env.tenant, env.session, ev.chat_jid), params)
