"""Received files still to fetch, in a NATS KV bucket every session-service instance shares.

Why not the instance's own database (as before): a session taken over by another instance
(its owner died, or gave the lease up) must resume its pending downloads there, and that
database is not the new owner's. Why not derive them from the event log on lease acquisition:
the fetch handle (WhatsApp's media key and path) is a secret that never enters the log, which
tenants read. So the handle lives here, beside the leases, readable by the session service's
bus user only; one key per file (``<tenant>.<session>.<message id, hex>``), written before
the fetch starts and deleted when the file is kept or given up on."""

import asyncio

import msgspec
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from runtime.kv_keys import kv_keys
from runtime.nats_buckets import open_kv
from services.session.service_layer.pending_media import PendingMedia, PendingMediaStore

__all__ = ["PENDING_MEDIA_BUCKET", "READS_IN_FLIGHT", "KvPendingMedia", "open_pending_media"]

PENDING_MEDIA_BUCKET = "wa_session_pending_media"
READS_IN_FLIGHT = 32  # a reconnect reads its pending files this many at once
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(PendingMedia)


def _key(tenant: str, session: str, message_id: str) -> str:
    return f"{tenant}.{session}.{message_id.encode().hex()}"  # ids may hold any character


class KvPendingMedia(PendingMediaStore):
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    async def add(self, item: PendingMedia) -> None:
        key = _key(item.tenant, item.session, item.message_id)
        await self._kv.put(key, _encoder.encode(item))  # the same item again: the same value

    async def remove(self, tenant: str, session: str, message_id: str) -> None:
        await self._kv.purge(_key(tenant, session, message_id))

    async def of_session(self, tenant: str, session: str) -> list[PendingMedia]:
        """Read through the stream's subjects, not a KV watcher: nats-py's watcher can signal
        "nothing stored" before it has processed what the server already sent (the race
        runtime/kv_keys.py describes), and a restart would then resume no download. The keys
        of files already kept (purge markers, until the bucket's max age) are listed too, so the
        reads go a few at once, not one round trip after another."""
        slots = asyncio.Semaphore(READS_IN_FLIGHT)

        async def read(key: str) -> PendingMedia | None:
            async with slots:
                try:
                    entry = await self._kv.get(key)
                except KeyNotFoundError:  # purged or deleted: kept or given up on
                    return None
            return _decoder.decode(entry.value) if entry.value else None

        keys = await kv_keys(self._kv, f"{tenant}.{session}.>")
        return [item for item in await asyncio.gather(*map(read, keys)) if item is not None]


async def open_pending_media(
    js: JetStreamContext, *, replicas: int, max_age_s: float
) -> KvPendingMedia:
    config = KeyValueConfig(
        bucket=PENDING_MEDIA_BUCKET, history=1, replicas=replicas, ttl=max_age_s or None
    )
    return KvPendingMedia(await open_kv(js, config))
