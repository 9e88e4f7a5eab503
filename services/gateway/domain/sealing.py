"""Kept answers are sealed: they may hold an API key or a webhook secret, and only a caller
that presents the same credential and Idempotency-Key may read them again.

AES-256-GCM from ``cryptography`` with a random 96-bit nonce; the record's name is the
associated data, so a sealed answer does not open under another name. The key is derived
with HKDF-SHA256 from the credential (a high-entropy admin token or API key) and the
record's context (scope, route, Idempotency-Key)."""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["open_sealed", "seal", "sealing_key"]

KEY = 32
NONCE = 12
TAG = 16


def sealing_key(credential: str, *context: str) -> bytes:
    info = "\x00".join(("wa-idempotency-seal", *context)).encode("utf-8", "surrogateescape")
    hkdf = HKDF(algorithm=SHA256(), length=KEY, salt=None, info=info)
    return hkdf.derive(credential.encode("utf-8", "surrogateescape"))


def seal(key: bytes, plain: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plain, associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes | None:
    """The plain bytes, or None unless ``sealed`` was sealed with ``key`` and ``associated``
    (unaltered)."""
    if len(sealed) < NONCE + TAG:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], associated)
    except InvalidTag:
        return None
