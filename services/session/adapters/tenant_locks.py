"""One creator per tenant at a time, across every session-service instance: a key in a NATS
KV bucket, made with create (which only one can do) and deleted when done. The bucket's TTL
frees the key of an instance that died holding it."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import BadRequestError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from runtime.nats_buckets import open_kv
from services.session.service_layer.quota import TenantBusy

__all__ = ["TENANT_LOCK_BUCKET", "KvTenantLocks", "TenantBusy", "open_tenant_locks"]

TENANT_LOCK_BUCKET = "wa_session_tenant_locks"
_FIRST_PAUSE_S, _LONGEST_PAUSE_S = 0.005, 0.1


class KvTenantLocks:
    def __init__(self, kv: KeyValue, instance: str, wait_s: float) -> None:
        self._kv = kv
        self._me = instance.encode()
        self._wait_s = wait_s
        self._local: dict[str, asyncio.Lock] = {}  # callers here queue without asking NATS

    @asynccontextmanager
    async def hold(self, tenant: str) -> AsyncIterator[None]:
        async with self._local.setdefault(tenant, asyncio.Lock()):
            revision = await self._take(tenant)
            try:
                yield
            finally:
                with contextlib.suppress(NatsError, KeyWrongLastSequenceError):
                    await self._kv.delete(tenant, last=revision)

    async def _take(self, tenant: str) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_s
        pause = _FIRST_PAUSE_S
        while True:
            try:
                return await self._kv.create(tenant, self._me)
            except (KeyWrongLastSequenceError, BadRequestError):
                pass  # another instance holds it
            if loop.time() + pause > deadline:
                raise TenantBusy(tenant)
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)


async def open_tenant_locks(
    js: JetStreamContext, instance: str, *, ttl_s: float, wait_s: float, replicas: int
) -> KvTenantLocks:
    config = KeyValueConfig(bucket=TENANT_LOCK_BUCKET, ttl=ttl_s, history=1, replicas=replicas)
    return KvTenantLocks(await open_kv(js, config), instance, wait_s)
