"""Commands about chats and contacts (read receipts, presence, number checks, profile
pictures, session options), and the replies that carry an answer."""

from datetime import datetime
from typing import Literal

from msgspec import Struct

__all__ = [
    "CheckNumbers",
    "GetProfilePicture",
    "MarkChatRead",
    "NumberCheck",
    "NumbersChecked",
    "PresenceState",
    "ProfilePicture",
    "ReadRef",
    "SendPresence",
    "SetSessionOptions",
]

PresenceState = Literal["composing", "recording", "paused"]


class ReadRef(Struct, frozen=True, kw_only=True):
    """One incoming message to mark read: its id, who sent it (groups), WhatsApp's time."""

    message_id: str
    sender_jid: str | None = None
    sent_at: datetime


class MarkChatRead(Struct, frozen=True, kw_only=True, tag="mark_read"):
    """Send read receipts for ``messages`` (the chat's unread incoming ones), paced."""

    tenant: str
    session: str
    chat_jid: str
    messages: list[ReadRef]
    correlation_id: str | None = None


class SendPresence(Struct, frozen=True, kw_only=True, tag="send_presence"):
    """Show "typing…" (composing), "recording audio…" (recording), or stop (paused); paced."""

    tenant: str
    session: str
    chat_jid: str
    state: PresenceState
    correlation_id: str | None = None


class CheckNumbers(Struct, frozen=True, kw_only=True, tag="check_numbers"):
    """Which phone numbers (international, as given) have WhatsApp; cached, paced."""

    tenant: str
    session: str
    phones: list[str]
    correlation_id: str | None = None


class GetProfilePicture(Struct, frozen=True, kw_only=True, tag="get_profile_picture"):
    tenant: str
    session: str
    jid: str
    correlation_id: str | None = None


class SetSessionOptions(Struct, frozen=True, kw_only=True, tag="set_options"):
    """Change a session's options; a field left None keeps its value."""

    tenant: str
    session: str
    typing_before_send: bool | None = None
    correlation_id: str | None = None


class NumberCheck(Struct, frozen=True, kw_only=True):
    """The answer for one input: its phone JID and, when WhatsApp gives it, its LID."""

    input: str
    on_whatsapp: bool
    jid: str | None = None
    lid: str | None = None


class NumbersChecked(Struct, frozen=True, kw_only=True, tag="numbers_checked"):
    results: list[NumberCheck]


class ProfilePicture(Struct, frozen=True, kw_only=True, tag="profile_picture"):
    """A profile picture's bytes; ``data`` None: the contact has none (or hides it)."""

    data: bytes | None = None
    mime: str = "image/jpeg"
