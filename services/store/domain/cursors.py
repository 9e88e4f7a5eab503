"""Opaque page cursors: the sort key of the last row of a page, encoded; never trusted blindly."""

import base64
from datetime import datetime
from typing import TypeVar

import msgspec

__all__ = ["BadCursor", "KeyCursor", "TimeCursor", "decode_cursor", "encode_cursor"]


class BadCursor(ValueError):
    """A cursor that this store did not issue."""


class TimeCursor(msgspec.Struct, frozen=True, array_like=True, tag="t"):
    at: datetime
    key: str


class KeyCursor(msgspec.Struct, frozen=True, array_like=True, tag="k"):
    key: str


C = TypeVar("C", TimeCursor, KeyCursor)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(TimeCursor | KeyCursor)


def encode_cursor(cursor: TimeCursor | KeyCursor) -> str:
    return base64.urlsafe_b64encode(_encoder.encode(cursor)).decode().rstrip("=")


def decode_cursor(text: str, kind: type[C]) -> C:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        cursor = _decoder.decode(raw)
    except (ValueError, msgspec.DecodeError) as exc:
        raise BadCursor("not a cursor issued by this store") from exc
    if not isinstance(cursor, kind) or (
        isinstance(cursor, TimeCursor) and cursor.at.tzinfo is None
    ):
        raise BadCursor("not a cursor for this list")
    return cursor
