"""Tenant-scoped NATS credentials, kept in the ``wa_bus_users`` KV bucket that every NATS
server's users agent follows. Only a bcrypt hash is stored; the password is shown once."""

import asyncio
from datetime import UTC, datetime

import msgspec
from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from contracts.bus import BusCredential, bus_user_name
from contracts.ids import new_id
from runtime.kv_keys import kv_keys
from runtime.nats_auth.agent import open_bus_users
from runtime.nats_auth.users import ISSUED_ROUNDS, hash_password, new_password
from services.gateway.adapters.tenants import guarded

__all__ = ["BusCredentials"]

_decoder = msgspec.json.Decoder(BusCredential)
_encoder = msgspec.json.Encoder()


def _key(tenant: str, credential_id: str) -> str:
    return f"{tenant}.{bus_user_name(credential_id)}"


class BusCredentials:
    """Issue, list and revoke a tenant's subscriber credentials."""

    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @classmethod
    async def open(cls, js: JetStreamContext, replicas: int = 1) -> "BusCredentials":
        return cls(await guarded(lambda: open_bus_users(js, replicas)))

    async def issue(self, tenant: str, name: str) -> tuple[BusCredential, str]:
        password = new_password()
        credential_id = new_id()
        credential = BusCredential(
            id=credential_id,
            tenant=tenant,
            user=bus_user_name(credential_id),
            name=name,
            password_hash=await asyncio.to_thread(hash_password, password, ISSUED_ROUNDS),
            created_at=datetime.now(UTC),
        )
        data = _encoder.encode(credential)
        await guarded(lambda: self._kv.create(_key(tenant, credential_id), data))
        return credential, password

    async def of_tenant(self, tenant: str) -> list[BusCredential]:
        keys = await guarded(lambda: kv_keys(self._kv))
        found = [await self._get(key) for key in sorted(keys) if key.startswith(f"{tenant}.")]
        return [credential for credential in found if credential is not None]

    async def _get(self, key: str) -> BusCredential | None:
        try:
            entry = await guarded(lambda: self._kv.get(key))
        except KeyNotFoundError:
            return None
        return _decoder.decode(entry.value) if entry.value else None

    async def revoke(self, tenant: str, credential_id: str) -> bool:
        """False: no such credential of this tenant. Its connections close at once."""
        key = _key(tenant, credential_id)
        if await self._get(key) is None:
            return False
        await guarded(lambda: self._kv.delete(key))
        return True
