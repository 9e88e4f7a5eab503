"""What a WhatsApp ``Message`` protobuf holds: its text and its media kind. Pure."""

from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from contracts.events.message import MediaKind

__all__ = ["Content", "content_of", "unwrap"]

Content = tuple[str | None, MediaKind | None]

_WRAPPERS = (
    "ephemeralMessage",
    "viewOnceMessage",
    "viewOnceMessageV2",
    "viewOnceMessageV2Extension",
    "documentWithCaptionMessage",
    "lottieStickerMessage",
)
_MEDIA: tuple[tuple[str, MediaKind], ...] = (
    ("imageMessage", "image"),
    ("videoMessage", "video"),
    ("ptvMessage", "video"),
    ("audioMessage", "audio"),
    ("documentMessage", "document"),
    ("stickerMessage", "sticker"),
    ("locationMessage", "location"),
    ("liveLocationMessage", "location"),
    ("contactMessage", "contact"),
    ("contactsArrayMessage", "contact"),
)
# Plumbing, not something a person wrote: key shares, revokes, reactions, poll votes, pins.
_NOT_CONTENT = frozenset(
    {
        "protocolMessage",
        "senderKeyDistributionMessage",
        "fastRatchetKeySenderKeyDistributionMessage",
        "messageContextInfo",
        "reactionMessage",
        "encReactionMessage",
        "pollUpdateMessage",
        "keepInChatMessage",
        "pinInChatMessage",
        "deviceSentMessage",
    }
)


def unwrap(message: Message) -> Message:
    """Strip ephemeral / view-once / document-with-caption envelopes (history sync keeps them)."""
    for _ in range(4):
        for wrapper in _WRAPPERS:
            if message.HasField(wrapper):
                message = getattr(message, wrapper).message
                break
        else:
            return message
    return message


def _caption(message: Message, field: str) -> str | None:
    inner = getattr(message, field)
    has_caption = "caption" in inner.DESCRIPTOR.fields_by_name
    return (inner.caption or None) if has_caption else None


def content_of(message: Message) -> Content | None:
    """Text and media kind; None when the message carries nothing a person sent."""
    message = unwrap(message)
    present = {field.name for field, _ in message.ListFields()}
    if not present or present <= _NOT_CONTENT:
        return None
    if message.conversation:
        return message.conversation, None
    if message.HasField("extendedTextMessage"):
        return message.extendedTextMessage.text or None, None
    for field, kind in _MEDIA:
        if field in present:
            return _caption(message, field), kind
    return None, "other"
