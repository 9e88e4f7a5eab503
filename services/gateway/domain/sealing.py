"""Kept answers are sealed: they may hold an API key or a webhook secret, and only a caller
that presents the same credential and Idempotency-Key may read them again.

Standard library only: a SHAKE-256 keystream (keyed, with a random nonce) and an
HMAC-SHA256 tag over nonce and ciphertext (encrypt-then-MAC); the keys are derived with
HMAC-SHA256 from the credential, which is a high-entropy token (admin token or API key)."""

import hashlib
import hmac
import os

__all__ = ["open_sealed", "seal", "sealing_key"]

NONCE = 16
TAG = 32


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def sealing_key(credential: str, *context: str) -> bytes:
    material = "\x00".join(("wa-idempotency-seal", *context)).encode("utf-8", "surrogateescape")
    return _mac(credential.encode("utf-8", "surrogateescape"), material)


def _xor(data: bytes, key: bytes, nonce: bytes) -> bytes:
    stream = hashlib.shake_256(_mac(key, b"encrypt") + nonce).digest(len(data))
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def seal(key: bytes, plain: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    cipher = _xor(plain, key, nonce)
    return nonce + cipher + _mac(_mac(key, b"authenticate"), nonce + cipher)


def open_sealed(key: bytes, sealed: bytes) -> bytes | None:
    """The plain bytes, or None when ``sealed`` was not sealed with ``key`` (or was altered)."""
    if len(sealed) < NONCE + TAG:
        return None
    nonce, cipher, tag = sealed[:NONCE], sealed[NONCE:-TAG], sealed[-TAG:]
    if not hmac.compare_digest(tag, _mac(_mac(key, b"authenticate"), nonce + cipher)):
        return None
    return _xor(cipher, key, nonce)
