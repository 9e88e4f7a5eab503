"""Encoding and decoding of envelopes: one encoder and one decoder, built once, reused."""

from typing import Any

import msgspec

from contracts.envelope import Envelope
from contracts.events import CURRENT_VERSIONS
from contracts.upcasting import UpcastError, upcast

__all__ = ["DecodeError", "decode_event", "decode_logged", "encode_event", "passed_on"]

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)
_raw_decoder = msgspec.json.Decoder(dict[str, Any])


class DecodeError(ValueError):
    """Bytes that are not a valid event envelope of any known version."""


def encode_event(envelope: Envelope) -> bytes:
    return _encoder.encode(envelope)


def decode_event(data: bytes) -> Envelope:
    """Decode an envelope, upcasting older payload versions to the current one."""
    return decode_logged(data)[0]


def decode_logged(data: bytes) -> tuple[Envelope, bytes]:
    """An envelope read from the log, and ``data`` if it is that envelope as logged (the
    current version), else b"" (it was upcast: what goes out must be encoded again). See
    ``passed_on``."""
    try:
        envelope = _decoder.decode(data)
        if CURRENT_VERSIONS.get(envelope.type) == envelope.version:
            return envelope, data
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc)) from exc
    return _decode_old(data), b""


def passed_on(envelope: Envelope, logged: bytes) -> bytes:
    """The bytes that stand for ``envelope`` going out: ``logged`` (from ``decode_logged``)
    as it is when it is ``{…}`` on one line (an SSE ``data:`` line, a webhook body a media
    link is spliced into), else the envelope encoded."""
    if logged[:1] == b"{" and logged[-1:] == b"}" and b"\n" not in logged and b"\r" not in logged:
        return logged
    return encode_event(envelope)


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
