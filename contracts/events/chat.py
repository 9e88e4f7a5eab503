"""Events about chats: read receipts we sent, and a session's options."""

from datetime import datetime

from msgspec import Struct

__all__ = ["ChatRead", "SessionOptionsChanged"]


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
