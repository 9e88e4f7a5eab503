"""Events about a received message's file: stored in the object store, or not."""

from msgspec import Struct

from contracts.media import MediaFailureReason

__all__ = ["MessageMediaFailed", "MessageMediaStored"]


class MessageMediaStored(Struct, frozen=True, kw_only=True, tag="message.media_stored"):
    message_id: str
    chat_jid: str
    size: int
    sha256: str  # hex, of the stored bytes
    mime: str
    attempts: int = 1


class MessageMediaFailed(Struct, frozen=True, kw_only=True, tag="message.media_failed"):
    """The file could not be kept; the message itself is kept."""

    message_id: str
    chat_jid: str
    reason: MediaFailureReason
    detail: str | None = None
    attempts: int = 1
