"""Events about messages received and sent, and their delivery."""

from datetime import datetime
from typing import Literal

from msgspec import Struct

from contracts.conversation import ContactCard, Location, Quote
from contracts.media import MediaDescriptor, MediaStatus

__all__ = [
    "DeliveryStatus",
    "MediaKind",
    "MessageQueued",
    "MessageReceived",
    "MessageSendFailed",
    "MessageSent",
    "MessageStatus",
]

MediaKind = Literal[
    "image", "video", "audio", "voice", "document", "sticker", "location", "contact", "other"
]
DeliveryStatus = Literal["delivered", "read", "played"]


class MessageReceived(Struct, frozen=True, kw_only=True, tag="message.received"):
    message_id: str
    chat_jid: str
    sender_jid: str
    sender_phone_jid: str | None = None
    sender_lid: str | None = None
    push_name: str | None = None
    is_group: bool = False
    from_me: bool = False
    text: str | None = None
    media_kind: MediaKind | None = None
    sent_at: datetime
    is_old: bool = False
    media: MediaDescriptor | None = None  # v2: a file, downloaded after this event
    media_status: MediaStatus | None = None  # "pending" with a file: stored or failed follows
    reply_to: str | None = None  # v3: the id of the message this one quotes
    location: Location | None = None  # v3: a shared location
    contact: ContactCard | None = None  # v3: a shared contact card


class MessageQueued(Struct, frozen=True, kw_only=True, tag="message.queued"):
    message_id: str
    chat_jid: str
    text: str  # a file's caption, or "" (v2)
    reminder_id: str | None = None
    media: MediaDescriptor | None = None  # v2: a file to send instead of a text
    quote: Quote | None = None  # v3: a reply to this message
    location: Location | None = None  # v3: a location to send instead of a text
    contact: ContactCard | None = None  # v3: a contact card to send instead of a text


class MessageSent(Struct, frozen=True, kw_only=True, tag="message.sent"):
    message_id: str
    chat_jid: str
    attempt: int = 1


class MessageSendFailed(Struct, frozen=True, kw_only=True, tag="message.send_failed"):
    message_id: str
    chat_jid: str
    error: str
    attempt: int
    will_retry: bool
    next_attempt_at: datetime | None = None


class MessageStatus(Struct, frozen=True, kw_only=True, tag="message.status"):
    message_id: str
    chat_jid: str
    status: DeliveryStatus
