"""What a file's bytes are (sniffed, never taken from the sender's word) and which kinds of
message may carry them."""

import filetype

from contracts.media import SendableKind

__all__ = ["OPUS", "SNIFF_BYTES", "base_mime", "contradicts", "fits", "sniff"]

SNIFF_BYTES = 8192  # enough for every signature we check
OPUS = "audio/ogg; codecs=opus"
_ALIASES = {"image/jpg": "image/jpeg", "audio/mp3": "audio/mpeg", "audio/x-m4a": "audio/mp4",
            "audio/opus": "audio/ogg", "application/ogg": "audio/ogg", "audio/x-aac": "audio/aac",
            "audio/3gpp": "video/3gpp", "audio/x-wav": "audio/wav"}  # fmt: skip
_GENERIC = {"", "application/octet-stream", "binary/octet-stream"}
_SNIFFED_FAMILIES = ("image/", "video/", "audio/")  # every such type we accept has a signature

_FITS: dict[SendableKind, frozenset[str]] = {
    "image": frozenset({"image/jpeg", "image/png", "image/webp"}),
    "sticker": frozenset({"image/webp"}),
    "voice": frozenset({OPUS}),
    "video": frozenset({"video/mp4", "video/3gpp"}),
    "audio": frozenset({"audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg", OPUS}),
}


def base_mime(mime: str) -> str:
    bare = mime.split(";", 1)[0].strip().lower()
    return _ALIASES.get(bare, bare)


def sniff(head: bytes) -> str | None:
    """The MIME type the first bytes show, or None when they show none we know."""
    found = filetype.guess_mime(head)
    if found == "audio/ogg" and head[28:36] == b"OpusHead":
        return OPUS
    return str(found) if found else None


def contradicts(claimed: str, sniffed: str | None) -> bool:
    """Whether the sender's Content-Type says something the bytes do not."""
    claim = base_mime(claimed)
    if claim in _GENERIC:
        return False
    if sniffed is None:
        return claim.startswith(_SNIFFED_FAMILIES)
    return claim != base_mime(sniffed)


def fits(kind: SendableKind, mime: str) -> bool:
    """Whether a message of ``kind`` may carry a file of ``mime`` (a document carries any)."""
    if kind == "document":
        return True
    return mime in _FITS[kind] or base_mime(mime) in _FITS[kind]
