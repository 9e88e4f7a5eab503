"""Tenants and their API keys, kept in NATS KV; keys are stored only as SHA-256 hashes."""

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import msgspec
from aiohttp import web
from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue

from contracts.ids import new_id
from services.gateway.errors import ApiError

TENANTS_BUCKET = "wa_tenants"
KEYS_BUCKET = "wa_api_keys"


class Tenant(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    created_at: datetime
    key_hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def _bucket(js: JetStreamContext, name: str) -> KeyValue:
    try:
        return await js.key_value(name)
    except BucketNotFoundError:
        return await js.create_key_value(bucket=name, history=1)


class TenantRegistry:
    def __init__(self, tenants: KeyValue, keys: KeyValue) -> None:
        self._tenants = tenants
        self._keys = keys

    @classmethod
    async def open(cls, js: JetStreamContext) -> "TenantRegistry":
        return cls(await _bucket(js, TENANTS_BUCKET), await _bucket(js, KEYS_BUCKET))

    async def create(self, name: str) -> tuple[Tenant, str]:
        key = "wa_" + secrets.token_urlsafe(32)
        tenant = Tenant(
            id=new_id(), name=name, created_at=datetime.now(UTC), key_hash=hash_key(key)
        )
        await self._keys.put(tenant.key_hash, tenant.id.encode())
        await self._tenants.put(tenant.id, msgspec.json.encode(tenant))
        return tenant, key

    async def get(self, tenant_id: str) -> Tenant | None:
        try:
            entry = await self._tenants.get(tenant_id)
        except KeyNotFoundError:
            return None
        return msgspec.json.decode(entry.value or b"", type=Tenant)

    async def tenant_of_key(self, key: str) -> str | None:
        try:
            entry = await self._keys.get(hash_key(key))
        except KeyNotFoundError:
            return None
        return (entry.value or b"").decode() or None


def bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "missing or malformed Authorization: Bearer <key>")
    return token.strip()


def require_admin(request: web.Request, admin_token: str) -> None:
    if not admin_token or not hmac.compare_digest(bearer(request), admin_token):
        raise ApiError(401, "unauthorized", "admin token required")


async def require_tenant(request: web.Request, registry: TenantRegistry) -> str:
    tenant = await registry.tenant_of_key(bearer(request))
    if tenant is None:
        raise ApiError(401, "unauthorized", "unknown API key")
    return tenant


TenantGetter = Callable[[web.Request], Awaitable[str]]
