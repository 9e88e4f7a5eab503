"""Per-session dispatch leases in a NATS KV bucket: taken with create, renewed by CAS, TTL'd.

Only the holder of a session's lease dispatches that session's reminders, so its pacing
holds across instances. A holder that dies stops renewing; the key ages out after the TTL.
"""

import contextlib

from nats.js import JetStreamContext
from nats.js.errors import (
    APIError,
    BadRequestError,
    KeyDeletedError,
    KeyNotFoundError,
    KeyWrongLastSequenceError,
)
from nats.js.kv import KeyValue

from runtime.logging import get_logger

__all__ = ["LEASE_BUCKET", "SessionLeases"]

log = get_logger(__name__)
LEASE_BUCKET = "wa_reminder_leases"


class SessionLeases:
    """Leases held by this instance, keyed ``<tenant>.<session>``."""

    def __init__(self, js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1):
        self._js = js
        self._me = instance.encode()
        self.ttl_s = ttl_s
        self._replicas = replicas
        self._kv: KeyValue | None = None
        self._held: dict[str, int] = {}

    async def open(self) -> None:
        try:
            self._kv = await self._js.create_key_value(
                bucket=LEASE_BUCKET, ttl=self.ttl_s, history=1, replicas=self._replicas
            )
        except (BadRequestError, APIError):  # exists with other settings: use it as it is
            self._kv = await self._js.key_value(LEASE_BUCKET)

    @property
    def kv(self) -> KeyValue:
        assert self._kv is not None, "open() first"
        return self._kv

    def holds(self, key: str) -> bool:
        return key in self._held

    async def acquire(self, key: str) -> bool:
        """True if this instance holds (or now took) the lease on ``key``."""
        if key in self._held:
            return True
        try:
            self._held[key] = await self.kv.create(key, self._me)
            return True
        except KeyWrongLastSequenceError:
            pass
        try:
            entry = await self.kv.get(key)
        except (KeyNotFoundError, KeyDeletedError):
            return False  # it just went away: the next tick tries again
        if entry.value != self._me:  # our own lease from before a restart is still ours
            return False
        try:
            self._held[key] = await self.kv.update(key, self._me, last=entry.revision)
        except KeyWrongLastSequenceError:
            return False
        return True

    async def renew(self) -> list[str]:
        """Renew every held lease; returns the keys lost (taken over or expired)."""
        lost: list[str] = []
        for key, revision in list(self._held.items()):
            try:
                self._held[key] = await self.kv.update(key, self._me, last=revision)
            except (KeyWrongLastSequenceError, APIError):
                self._held.pop(key, None)
                lost.append(key)
                log.warning("reminder.lease_lost", key=key)
        return lost

    async def release(self, key: str) -> None:
        revision = self._held.pop(key, None)
        if revision is None:
            return
        # somebody else's by now, or expired: nothing to give back
        with contextlib.suppress(KeyWrongLastSequenceError, APIError):
            await self.kv.delete(key, last=revision)
