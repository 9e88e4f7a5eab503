"""Signatures: HMAC-SHA256 over ``<unix timestamp>.<body>``, sent as ``t=<ts>,v1=<hex>``."""

import hashlib
import hmac

__all__ = ["SIGNATURE_HEADER", "signature", "verify"]

SIGNATURE_HEADER = "X-WA-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance_s: float = 300) -> bool:
    """What a receiver does: the MAC matches and the timestamp is recent (no replays)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance_s and hmac.compare_digest(
        expected, fields.get("v1", "")
    )
