"""Tenants and their API keys, kept in NATS KV; keys are stored only as SHA-256 hashes."""

import hashlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TypeVar

import msgspec
from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import (
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NoStreamResponseError,
    ServerError,
    ServiceUnavailableError,
)
from nats.js.kv import KeyValue

from contracts.ids import new_id
from runtime.kv_keys import kv_keys
from runtime.nats_buckets import open_kv
from runtime.rpc import BackendUnavailable
from services.gateway.domain.key_cache import KeyCache

__all__ = [
    "KEYS_BUCKET",
    "TENANTS_BUCKET",
    "RotationConflict",
    "Tenant",
    "TenantRegistry",
    "guarded",
]

TENANTS_BUCKET = "wa_tenants"
KEYS_BUCKET = "wa_api_keys"
T = TypeVar("T")


class Tenant(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    created_at: datetime
    key_hash: str


class RotationConflict(RuntimeError):
    """Another rotation of the same tenant's key won the race."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return "wa_" + secrets.token_urlsafe(32)


_decoder = msgspec.json.Decoder(Tenant)
_encoder = msgspec.json.Encoder()


@asynccontextmanager
async def _nats_errors() -> AsyncIterator[None]:
    try:
        yield
    except (
        NatsTimeout,
        NoRespondersError,
        ConnectionClosedError,
        NoStreamResponseError,
        ServerError,
        ServiceUnavailableError,
    ) as exc:
        raise BackendUnavailable(f"tenant registry unavailable: {exc!r}") from exc


async def guarded(call: Callable[[], Awaitable[T]]) -> T:
    """Run a KV call; NATS trouble becomes ``BackendUnavailable`` (503)."""
    async with _nats_errors():
        return await call()


async def _bucket(js: JetStreamContext, name: str, replicas: int) -> KeyValue:
    return await open_kv(js, KeyValueConfig(bucket=name, history=1, replicas=replicas))


class TenantRegistry:
    """Tenants by id, and the tenant of each key hash (``cache``: kept current by the key
    watch, see adapters/key_watch.py)."""

    def __init__(self, tenants: KeyValue, keys: KeyValue) -> None:
        self._tenants = tenants
        self._keys = keys
        self.cache = KeyCache()

    @classmethod
    async def open(cls, js: JetStreamContext, replicas: int = 1) -> "TenantRegistry":
        tenants = await _bucket(js, TENANTS_BUCKET, replicas)
        return cls(tenants, await _bucket(js, KEYS_BUCKET, replicas))

    async def create(self, name: str) -> tuple[Tenant, str]:
        key = _new_key()
        tenant = Tenant(
            id=new_id(), name=name, created_at=datetime.now(UTC), key_hash=hash_key(key)
        )
        async with _nats_errors():
            await self._keys.put(tenant.key_hash, tenant.id.encode())
            await self._tenants.put(tenant.id, _encoder.encode(tenant))
        return tenant, key

    async def get(self, tenant_id: str) -> Tenant | None:
        try:
            entry = await guarded(lambda: self._tenants.get(tenant_id))
        except KeyNotFoundError:
            return None
        return _decoder.decode(entry.value or b"")

    async def all(self) -> list[Tenant]:
        ids = await guarded(lambda: kv_keys(self._tenants))
        found = [await self.get(tenant_id) for tenant_id in sorted(ids)]
        return [tenant for tenant in found if tenant is not None]

    async def rotate(self, tenant_id: str) -> tuple[Tenant, str] | None:
        """A new key for the tenant; the old one stops working at once. None: no such tenant."""
        try:
            entry = await guarded(lambda: self._tenants.get(tenant_id))
        except KeyNotFoundError:
            return None
        old = _decoder.decode(entry.value or b"")
        key = _new_key()
        rotated = msgspec.structs.replace(old, key_hash=hash_key(key))
        async with _nats_errors():
            await self._keys.put(rotated.key_hash, tenant_id.encode())
            try:
                await self._tenants.update(tenant_id, _encoder.encode(rotated), entry.revision)
            except KeyWrongLastSequenceError as exc:
                await self._keys.delete(rotated.key_hash)
                raise RotationConflict(tenant_id) from exc
            await self._keys.delete(old.key_hash)
            self.cache.forget(old.key_hash)  # here at once; other gateways by their watch
        return rotated, key

    async def tenant_of_key(self, key: str) -> str | None:
        """The key's tenant as the bucket has it now."""
        return await self._lookup(hash_key(key))

    async def cached_tenant_of_key(self, key: str) -> str | None:
        """The key's tenant, from the cache when this gateway has seen the key before."""
        key_hash = hash_key(key)
        found = self.cache.get(key_hash)
        if found is not None:
            return found
        changes_before = self.cache.changes
        found = await self._lookup(key_hash)
        if found is not None:
            self.cache.remember(key_hash, found, changes_before)
        return found

    async def _lookup(self, key_hash: str) -> str | None:
        try:
            entry = await guarded(lambda: self._keys.get(key_hash))
        except KeyNotFoundError:
            return None
        return (entry.value or b"").decode() or None
