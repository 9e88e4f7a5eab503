"""Identifiers: sortable UUIDv7 strings, and the token rule every id in a subject must follow."""

import os
import re
import threading
import time
import uuid

from contracts.patterns import whole

__all__ = ["ID_PATTERN", "is_valid_id", "new_id"]

ID_PATTERN = whole(r"[A-Za-z0-9_-]{1,64}")  # also a JSON Schema pattern
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, 12-bit counter) of the last id made in this process


def _next_tick() -> tuple[int, int]:
    """This millisecond and a counter that only grows within it (RFC 9562, 6.2 method 1):
    ids made in the same millisecond still sort in the order they were made."""
    global _last
    with _lock:
        ms, counter = time.time_ns() // 1_000_000, 0
        last_ms, last_counter = _last
        if ms <= last_ms:  # the same millisecond (or the clock stepped back): count on
            ms, counter = last_ms, last_counter + 1
            if counter > 0xFFF:  # 4,096 in one millisecond: borrow the next one
                ms, counter = last_ms + 1, 0
        else:
            counter = int.from_bytes(os.urandom(2), "big") & 0x7FF  # room to count up
        _last = (ms, counter)
        return ms, counter


def new_id() -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter within the
    millisecond, then randomness; sorts by creation time within a process."""
    ms, counter = _next_tick()
    rand = int.from_bytes(os.urandom(8), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_valid_id(value: str) -> bool:
    """True when the id can stand as one token of a NATS subject."""
    return _ID_RE.fullmatch(value) is not None
