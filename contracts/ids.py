"""Identifiers: sortable UUIDv7 strings, and the token rule every id in a subject must follow."""

import os
import re
import time
import uuid

__all__ = ["ID_PATTERN", "is_valid_id", "new_id"]

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_ID_RE = re.compile(ID_PATTERN)


def new_id() -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness; sorts by time."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 68) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_valid_id(value: str) -> bool:
    """True when the id can stand as one token of a NATS subject."""
    return bool(_ID_RE.match(value))
