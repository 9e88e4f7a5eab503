"""The rules of ``Idempotency-Key``: the record a creating request leaves, which answers are
final, and what a repeat of the request gets."""

import hashlib
from typing import Literal

import msgspec

__all__ = [
    "KEY_HEADER",
    "MAX_KEY_LENGTH",
    "RETAIN_S",
    "Answer",
    "KeyRejected",
    "Record",
    "Step",
    "check_key",
    "fingerprint",
    "is_final",
    "next_step",
    "record_name",
]

KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
RETAIN_S = 24 * 3600.0  # a record lives this long after its last write
NOT_FINAL = frozenset({408, 409, 425, 429})  # state or timing: nothing was done, try again


class KeyRejected(ValueError):
    """The header is not one key of 1 to 255 printable ASCII characters."""


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    status: int
    body: bytes
    content_type: str | None = None
    charset: str | None = None


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """``running``: claimed by ``holder`` ``until`` then (Unix seconds); ``open``: the last
    run failed (5xx), a retry may run it again; ``done``: ``answer`` holds the sealed first
    answer. ``seed`` is minted once, at the first claim: the id of what the request creates,
    so a run after a failed one names the same thing and the service behind de-duplicates it."""

    fingerprint: str
    seed: str
    state: Literal["running", "open", "done"]
    until: float = 0.0
    holder: str = ""
    answer: bytes | None = None


Step = Literal["replay", "take", "wait", "reused"]


def check_key(values: list[str]) -> str:
    if len(values) != 1:
        raise KeyRejected("send one Idempotency-Key header")
    key = values[0]
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise KeyRejected(f"an Idempotency-Key is 1 to {MAX_KEY_LENGTH} characters")
    if not (key.isascii() and key.isprintable()):
        raise KeyRejected("an Idempotency-Key is printable ASCII")
    return key


def _digest(*parts: str) -> str:
    joined = "\x00".join(parts).encode("utf-8", "surrogateescape")
    return hashlib.sha256(joined).hexdigest()


def record_name(scope: str, route: str, key: str) -> str:
    """The record's KV key: a hash, so any header bytes make a valid subject token."""
    return _digest("wa-idempotency", scope, route, key)


def fingerprint(method: str, path: str, body: bytes) -> str:
    head = f"{method} {path}\x00".encode("utf-8", "surrogateescape")
    return hashlib.sha256(head + body).hexdigest()


def is_final(status: int) -> bool:
    """2xx and the 4xx answers about the request itself are kept; a 5xx, a 429 or a state
    conflict (409) is not, so a retry can still do the work."""
    return 200 <= status < 300 or (400 <= status < 500 and status not in NOT_FINAL)


def next_step(record: Record, wanted: str, now: float) -> Step:
    """What a request with fingerprint ``wanted`` does about an existing record."""
    if record.fingerprint != wanted:
        return "reused"
    if record.state == "done":
        return "replay"
    if record.state == "open" or record.until <= now:  # failed, or its gateway went away
        return "take"
    return "wait"
