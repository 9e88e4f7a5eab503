"""Encoding and decoding of envelopes: one encoder and one decoder, built once, reused."""

from typing import Any

import msgspec

from contracts.envelope import Envelope
from contracts.events import CURRENT_VERSIONS
from contracts.upcasting import UpcastError, upcast

__all__ = ["DecodeError", "decode_event", "decode_logged", "encode_event"]

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)
_raw_decoder = msgspec.json.Decoder(dict[str, Any])


class DecodeError(ValueError):
    """Bytes that are not a valid event envelope of any known version."""


def encode_event(envelope: Envelope) -> bytes:
    return _encoder.encode(envelope)


def decode_event(data: bytes) -> Envelope:
    """Decode an envelope, upcasting older payload versions to the current one."""
    return _decode(data)[0]


def decode_logged(data: bytes) -> tuple[Envelope, bytes]:
    """An envelope read from the log, and the bytes that stand for it going out: ``data``
    itself when it is the current version on one line (nothing re-encoded), else the upcast
    envelope encoded (an older version must not reach a client as it was logged)."""
    envelope, was_upcast = _decode(data)
    if not was_upcast and _one_object_line(data):
        return envelope, data
    return envelope, encode_event(envelope)


def _decode(data: bytes) -> tuple[Envelope, bool]:
    """The current envelope, and whether it was upcast from an older version."""
    try:
        envelope = _decoder.decode(data)
        if CURRENT_VERSIONS.get(envelope.type) == envelope.version:
            return envelope, False
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc)) from exc
    return _decode_old(data), True


def _one_object_line(data: bytes) -> bool:
    """What an SSE ``data:`` line and a spliced webhook body need: ``{…}`` with no line break."""
    return data[:1] == b"{" and data[-1:] == b"}" and b"\n" not in data and b"\r" not in data


def _decode_old(data: bytes) -> Envelope:
    raw = _raw_decoder.decode(data)
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in CURRENT_VERSIONS:
        raise DecodeError(f"unknown event type: {kind!r}")
    target = CURRENT_VERSIONS[kind]
    try:
        payload = upcast(kind, int(raw.get("version", 1)), dict(raw.get("payload") or {}), target)
        payload["type"] = kind
        return msgspec.convert({**raw, "version": target, "payload": payload}, Envelope)
    except (UpcastError, msgspec.ValidationError) as exc:
        raise DecodeError(str(exc)) from exc
