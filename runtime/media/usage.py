"""Bytes each tenant keeps in the media store (uploads and received files), one counter per
tenant in a NATS KV bucket, changed only by compare-and-set: concurrent uploads on several
gateways add up exactly, and the count outlives restarts. ``recount`` sets it to what the
store's listing shows (the retention's silent expiry, a crash between a file and its count)."""

from collections.abc import Mapping

from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from contracts.media import USAGE_BUCKET
from runtime.kv_keys import kv_keys
from runtime.media.objects import QuotaExceeded
from runtime.media.store import MediaStore
from runtime.nats_buckets import open_kv

__all__ = ["USAGE_BUCKET", "MediaUsage", "QuotaExceeded"]

_ATTEMPTS = 50  # compare-and-set rounds before giving up (only under heavy contention)


class MediaUsage:
    """``quota`` bytes per tenant (0: no limit)."""

    def __init__(self, kv: KeyValue, quota: int) -> None:
        self.kv = kv
        self.quota = quota

    @classmethod
    async def open(cls, js: JetStreamContext, *, replicas: int, quota: int) -> "MediaUsage":
        config = KeyValueConfig(bucket=USAGE_BUCKET, history=1, replicas=replicas)
        return cls(await open_kv(js, config), quota)

    async def read(self, tenant: str) -> tuple[int, int]:
        """``(bytes, revision)``; revision 0 when the tenant has no count yet."""
        try:
            entry = await self.kv.get(tenant)
        except KeyNotFoundError:
            return 0, 0
        return int(entry.value or b"0"), int(entry.revision or 0)

    def check(self, tenant_used: int, size: int) -> None:
        if self.quota and tenant_used + size > self.quota:
            raise QuotaExceeded(self.quota, tenant_used, size)

    async def admit(self, tenant: str, size: int) -> None:
        """Refuse early a file that could not fit (``size`` as declared)."""
        self.check((await self.read(tenant))[0], size)

    async def add(self, tenant: str, size: int) -> None:
        """Count ``size`` more bytes, or raise QuotaExceeded and count nothing."""
        await self._change(tenant, size, enforce=True)

    async def count_stored(self, store: MediaStore, tenant: str, name: str, size: int) -> None:
        """Count a file just stored, or delete it again and raise QuotaExceeded."""
        try:
            await self.add(tenant, size)
        except QuotaExceeded:
            await store.delete(name)
            raise

    async def remove(self, tenant: str, size: int) -> None:
        await self._change(tenant, -size, enforce=False)

    async def _change(self, tenant: str, delta: int, *, enforce: bool) -> None:
        for _ in range(_ATTEMPTS):
            used, revision = await self.read(tenant)
            if enforce:
                self.check(used, delta)
            if await self._set(tenant, max(0, used + delta), revision):
                return
        raise TimeoutError(f"the media usage of {tenant} changed {_ATTEMPTS} times meanwhile")

    async def _set(self, tenant: str, value: int, revision: int) -> bool:
        try:
            if revision == 0:
                await self.kv.create(tenant, str(value).encode())
            else:
                await self.kv.update(tenant, str(value).encode(), last=revision)
        except KeyWrongLastSequenceError:
            return False
        return True

    async def snapshot(self) -> dict[str, tuple[int, int]]:
        """Every counted tenant's ``(bytes, revision)``: read before a listing, for recount."""
        keys = await kv_keys(self.kv)
        return {key: await self.read(key) for key in keys}

    async def recount(
        self, listed: Mapping[str, int], seen: Mapping[str, tuple[int, int]]
    ) -> list[str]:
        """Set each tenant's count to its ``listed`` bytes unless it changed since ``seen``
        (that change is then newer than the listing: the next recount takes it); the
        tenants whose count was corrected."""
        corrected = []
        for tenant in sorted(set(listed) | set(seen)):
            count, revision = seen.get(tenant, (0, 0))
            value = listed.get(tenant, 0)
            if value != count and await self._set(tenant, value, revision):
                corrected.append(tenant)
        return corrected
