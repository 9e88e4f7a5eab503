"""Simulator verbs for chats and contacts: which numbers "are on WhatsApp", profile pictures,
and what read receipts, presence updates and lookups the session asked of WhatsApp."""

from datetime import datetime
from typing import Literal

from msgspec import Struct, field

__all__ = [
    "SimChatAction",
    "SimChatActions",
    "SimChatActionsReply",
    "SimNumber",
    "SimNumbers",
    "SimPicture",
]


class SimNumber(Struct, frozen=True, kw_only=True):
    phone: str  # international, with or without "+"
    lid: str | None = None  # the @lid WhatsApp gives alongside the phone JID


class SimNumbers(Struct, frozen=True, kw_only=True):
    """Numbers that are (or, with ``on_whatsapp`` false, are no longer) on WhatsApp, as the
    session's number checks see them."""

    session: str
    numbers: list[SimNumber]
    on_whatsapp: bool = True


class SimPicture(Struct, frozen=True, kw_only=True):
    """Set (``data``) or remove (None) the profile picture of ``jid`` as the session sees it."""

    session: str
    jid: str
    data: bytes | None = None


class SimChatActions(Struct, frozen=True, kw_only=True):
    session: str


class SimChatAction(Struct, frozen=True, kw_only=True):
    kind: Literal["read", "presence", "check", "picture"]
    chat_jid: str = ""
    message_ids: list[str] = field(default_factory=list)
    sender_jid: str | None = None
    state: str | None = None
    phones: list[str] = field(default_factory=list)
    at: datetime


class SimChatActionsReply(Struct, frozen=True, kw_only=True):
    """Every chat action the session's clients took, in order."""

    actions: list[SimChatAction] = field(default_factory=list)
