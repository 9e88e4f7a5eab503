"""Media: what an event says about a file's bytes (which live in the object store, never in
the log), and which kinds of media may be sent."""

from datetime import datetime
from typing import Literal

from msgspec import Struct

__all__ = [
    "MEDIA_BUCKET",
    "USAGE_BUCKET",
    "MediaDescriptor",
    "MediaFailureReason",
    "MediaStatus",
    "SendableKind",
    "Upload",
    "received_object",
    "upload_object",
]

MEDIA_BUCKET = "wa_media"  # the JetStream object store (its stream: OBJ_wa_media)
USAGE_BUCKET = "wa_media_usage"  # NATS KV: each tenant's bytes in MEDIA_BUCKET (its quota)

SendableKind = Literal["image", "video", "audio", "voice", "document", "sticker"]
MediaStatus = Literal["pending", "stored", "failed"]
MediaFailureReason = Literal["download_failed", "too_large", "expired", "quota_exceeded"]


class MediaDescriptor(Struct, frozen=True, kw_only=True):
    """A file as events carry it: never its bytes. ``sha256`` is hex; ``size`` in bytes."""

    kind: SendableKind
    mime: str
    size: int | None = None  # None: not known before the download
    sha256: str | None = None
    filename: str | None = None
    caption: str | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    pages: int | None = None
    upload_id: str | None = None  # a sent file: the upload it was made from


class Upload(Struct, frozen=True, kw_only=True):
    """A file uploaded through the API, waiting to be sent (until ``expires_at``)."""

    id: str
    mime: str
    size: int
    sha256: str
    filename: str | None = None
    expires_at: datetime


def upload_object(tenant: str, upload_id: str) -> str:
    """The object name of a tenant's upload."""
    return f"upload.{tenant}.{upload_id}"


def received_object(tenant: str, session: str, message_id: str) -> str:
    """The object name of a received message's file."""
    return f"received.{tenant}.{session}.{message_id}"
