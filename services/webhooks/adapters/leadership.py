"""Leadership across replicas: one key in a NATS KV bucket whose entries expire after the
lease TTL, taken with create and renewed by compare-and-set (the revision we last wrote)."""

import contextlib

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import APIError, BadRequestError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

BUCKET = "wa_webhooks_leader"
KEY = "dispatcher"


class KvLeadership:
    """The lease of this instance; ``acquire`` and ``renew`` say whether it still holds it."""

    def __init__(self, js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1):
        self._js = js
        self._me = instance.encode()
        self._ttl_s = ttl_s
        self._replicas = replicas
        self._kv: KeyValue | None = None
        self._revision: int | None = None

    async def open(self) -> None:
        try:
            self._kv = await self._js.create_key_value(
                bucket=BUCKET, ttl=self._ttl_s, history=1, replicas=self._replicas
            )
        except (BadRequestError, APIError):  # it exists already: use it as it is
            self._kv = await self._js.key_value(BUCKET)

    @property
    def kv(self) -> KeyValue:
        assert self._kv is not None, "open() first"
        return self._kv

    async def acquire(self) -> bool:
        try:
            self._revision = await self.kv.create(KEY, self._me)
        except KeyWrongLastSequenceError:
            return False  # another instance leads (until its entry expires)
        except (NatsError, TimeoutError):
            return False
        return True

    async def renew(self) -> bool:
        if self._revision is None:
            return False
        try:
            self._revision = await self.kv.update(KEY, self._me, last=self._revision)
        except (KeyWrongLastSequenceError, NatsError, TimeoutError):
            self._revision = None  # lost, or cannot tell: stop leading either way
            return False
        return True

    async def release(self) -> None:
        """Hand over at once on a clean stop instead of after the TTL."""
        if self._revision is not None:
            with contextlib.suppress(NatsError, TimeoutError):
                await self.kv.delete(KEY, last=self._revision)
            self._revision = None
