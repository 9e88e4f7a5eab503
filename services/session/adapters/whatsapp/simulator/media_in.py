"""The file of a simulated incoming message: its bytes (inline or from the object store) kept
on the simulated media server, and the descriptor WhatsApp's message would carry."""

import hashlib
from collections.abc import Awaitable, Callable

from contracts.media import MediaDescriptor
from contracts.simulator import SimIncomingMedia
from runtime.media.kinds import SNIFF_BYTES, sniff

__all__ = ["NoMediaBytes", "ObjectReader", "media_bytes", "sim_descriptor"]

ObjectReader = Callable[[str], Awaitable[bytes | None]]
"""The bytes of an object in the media store, or None."""


class NoMediaBytes(Exception):
    """The request names no bytes, or an object that is not there."""


async def media_bytes(media: SimIncomingMedia, read_object: ObjectReader | None) -> bytes:
    if media.data is not None:
        return media.data
    if media.object is None or read_object is None:
        raise NoMediaBytes("media needs data or an object")
    data = await read_object(media.object)
    if data is None:
        raise NoMediaBytes(f"no object {media.object!r}")
    return data


def sim_descriptor(media: SimIncomingMedia, data: bytes, caption: str | None) -> MediaDescriptor:
    mime = media.mime or sniff(data[:SNIFF_BYTES]) or "application/octet-stream"
    return MediaDescriptor(
        kind=media.kind, mime=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        filename=media.filename, caption=caption, width=media.width, height=media.height,
        duration_s=media.duration_s, pages=media.pages,
    )  # fmt: skip
