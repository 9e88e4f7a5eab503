"""Request and response bodies of the chats and contacts endpoints."""

from typing import Annotated

import msgspec

from contracts.chat_commands import NumberCheck, PresenceState
from contracts.queries import ChatView
from services.gateway.bodies.requests import Address, Body

__all__ = [
    "ChatPage",
    "NumberChecks",
    "NumbersToCheck",
    "PresenceAccepted",
    "PresenceRequest",
    "ReadAccepted",
    "SessionOptions",
]

MAX_NUMBERS = 50
Phones = Annotated[list[Address], msgspec.Meta(min_length=1, max_length=MAX_NUMBERS)]


class PresenceRequest(Body, frozen=True, kw_only=True):
    state: PresenceState


class NumbersToCheck(Body, frozen=True, kw_only=True):
    phones: Phones  # international numbers (or in the default region); at most 50


class SessionOptions(Body, frozen=True, kw_only=True):
    typing_before_send: bool | None = None  # show "typing…" before each send (reminders too)


class ChatPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ChatView]
    next_cursor: str | None = None


class ReadAccepted(msgspec.Struct, frozen=True, kw_only=True):
    chat: str
    status: str  # queued: the receipts go out paced; nothing_to_read: none were unread
    messages: int  # how many messages the receipts cover


class PresenceAccepted(msgspec.Struct, frozen=True, kw_only=True):
    chat: str
    state: PresenceState
    status: str


class NumberChecks(msgspec.Struct, frozen=True, kw_only=True):
    results: list[NumberCheck]  # one per input, in order
