"""A received ``Message`` protobuf's file as the port describes it: the descriptor (no bytes)
and the handle to download it later (the media sub-message alone, serialized). Pure."""

from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from contracts.media import MediaDescriptor, SendableKind
from services.session.adapters.whatsapp.neonize.content import unwrap

__all__ = ["ReceivedFile", "received_file"]

ReceivedFile = tuple[MediaDescriptor, bytes]
_FIELDS: tuple[tuple[str, SendableKind], ...] = (
    ("imageMessage", "image"),
    ("videoMessage", "video"),
    ("ptvMessage", "video"),
    ("audioMessage", "audio"),
    ("documentMessage", "document"),
    ("stickerMessage", "sticker"),
)
_DEFAULT_MIME: dict[SendableKind, str] = {
    "image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg",
    "voice": "audio/ogg; codecs=opus", "document": "application/octet-stream",
    "sticker": "image/webp",
}  # fmt: skip


def _int(inner: object, name: str) -> int | None:
    value = getattr(inner, name, 0)
    return int(value) if value else None


def received_file(message: Message) -> ReceivedFile | None:
    """The file a message carries (image, video, audio or voice, document, sticker), or None."""
    message = unwrap(message)
    for field, kind in _FIELDS:
        if not message.HasField(field):
            continue
        inner = getattr(message, field)
        if kind == "audio" and inner.PTT:
            kind = "voice"
        seconds = _int(inner, "seconds")
        descriptor = MediaDescriptor(
            kind=kind,
            mime=inner.mimetype or _DEFAULT_MIME[kind],
            size=_int(inner, "fileLength"),
            sha256=inner.fileSHA256.hex() or None,
            filename=getattr(inner, "fileName", "") or None,
            caption=getattr(inner, "caption", "") or None,
            width=_int(inner, "width"),
            height=_int(inner, "height"),
            duration_s=float(seconds) if seconds else None,
            pages=_int(inner, "pageCount"),
        )
        handle = Message()
        getattr(handle, field).CopyFrom(inner)
        return descriptor, handle.SerializeToString()
    return None
