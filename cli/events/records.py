"""The NDJSON line every ``wa events`` command reads or writes, and what a command selects.

A line keeps the stored event's bytes verbatim (``msgspec.Raw``), so an export imported
elsewhere is byte-for-byte the same event with the same id.
"""

import re
from datetime import UTC, datetime, timedelta

import msgspec

from contracts.subjects import event_filter

__all__ = [
    "Record",
    "Selection",
    "Start",
    "decode_record",
    "encode_record",
    "parse_since",
]


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """One stored event: its stream sequence, subject, time stored, and the envelope's bytes."""

    seq: int
    subject: str
    time: datetime
    event: msgspec.Raw


class Selection(msgspec.Struct, frozen=True, kw_only=True):
    """Which events: a tenant, a session and a type (``message.received`` or ``message.>``)."""

    tenant: str | None = None
    session: str | None = None
    type: str | None = None

    def filter_subject(self) -> str:
        kind = self.type or ">"
        if kind != ">" and "." not in kind:
            kind = f"{kind}.>"  # a family: ``message`` means ``message.>``
        return event_filter(self.tenant or "*", self.session or "*", kind)


class Start(msgspec.Struct, frozen=True, kw_only=True):
    """Where a read begins: a stream sequence, a time, or (neither) the first event."""

    seq: int | None = None
    time: datetime | None = None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Record)
_RELATIVE = re.compile(r"([0-9]+)([smhd])")  # fullmatch: no final newline, ASCII digits
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def encode_record(record: Record) -> bytes:
    return _encoder.encode(record) + b"\n"


def decode_record(line: bytes) -> Record:
    """Decode one line; raises ``msgspec.DecodeError`` (a ValueError) when it is not one."""
    return _decoder.decode(line)


def parse_since(text: str, now: datetime) -> datetime:
    """An RFC 3339 time (UTC when no offset is given) or a duration ago: ``90s``, ``15m``,
    ``2h``, ``7d``."""
    relative = _RELATIVE.fullmatch(text.strip())
    if relative:
        amount, unit = relative.groups()
        return now - timedelta(**{_UNITS[unit]: int(amount)})
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a time (2026-01-01T09:00:00Z) nor 15m/2h/7d"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
