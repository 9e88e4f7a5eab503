"""Small files whose first bytes carry each type's real signature, padded to any size."""

import os

__all__ = ["SAMPLES", "sample"]

_OGG_OPUS = b"OggS\x00\x02" + bytes(22) + b"OpusHead\x01\x01" + bytes(10)
_OGG_VORBIS = b"OggS\x00\x02" + bytes(22) + b"\x01vorbis" + bytes(11)
SAMPLES: dict[str, bytes] = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    "video/mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
    "audio/mpeg": b"ID3\x03\x00\x00\x00\x00\x00\x00",
    "audio/ogg; codecs=opus": _OGG_OPUS,
    "audio/ogg": _OGG_VORBIS,
    "application/pdf": b"%PDF-1.7\n",
}


def sample(mime: str, size: int = 4096) -> bytes:
    """A file of ``mime`` of ``size`` bytes: the signature, then random bytes."""
    head = SAMPLES[mime]
    return head + os.urandom(max(0, size - len(head)))
