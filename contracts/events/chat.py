"""Events about chats: read receipts we queued and sent, and a session's options."""

from datetime import datetime

from msgspec import Struct

from contracts.chat_commands import ReadRef

__all__ = ["ChatRead", "ChatReadQueued", "SessionOptionsChanged"]


class ChatReadQueued(Struct, frozen=True, kw_only=True, tag="chat.read_queued"):
    """We asked to send read receipts for ``messages`` (one sender's, in a group); sent by the
    outbox, paced like a send, and ``chat.read`` once WhatsApp took them."""

    read_id: str
    chat_jid: str
    messages: list[ReadRef]
    sender_jid: str | None = None  # groups: the receipts' sender


class ChatRead(Struct, frozen=True, kw_only=True, tag="chat.read"):
    """We sent read receipts for these incoming messages; ``up_to``: the newest one's time
    (the chat's messages up to it count as read)."""

    chat_jid: str
    message_ids: list[str]
    sender_jid: str | None = None  # groups: the receipts' sender
    up_to: datetime


class SessionOptionsChanged(Struct, frozen=True, kw_only=True, tag="session.options_changed"):
    """A session's options, as they are now."""

    typing_before_send: bool = False
