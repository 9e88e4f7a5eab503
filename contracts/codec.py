"""Encoding and decoding of envelopes: one encoder and one decoder, built once, reused."""

from typing import Any

import msgspec

from contracts.envelope import Envelope
from contracts.events import CURRENT_VERSIONS
from contracts.upcasting import UpcastError, upcast

__all__ = ["DecodeError", "decode_event", "encode_event"]

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)
_raw_decoder = msgspec.json.Decoder(dict[str, Any])


class DecodeError(ValueError):
    """Bytes that are not a valid event envelope of any known version."""


def encode_event(envelope: Envelope) -> bytes:
    return _encoder.encode(envelope)


def decode_event(data: bytes) -> Envelope:
    """Decode an envelope, upcasting older payload versions to the current one."""
    try:
        envelope = _decoder.decode(data)
        if CURRENT_VERSIONS.get(envelope.type) == envelope.version:
            return envelope
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc)) from exc
    return _decode_old(data)


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
