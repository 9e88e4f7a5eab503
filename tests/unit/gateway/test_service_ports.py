"""The gateway's service layer runs on its ports (service_layer/ports.py): here on in-memory
ones, without NATS. Uploads kept, counted, refused past the quota; sends of them; a created
thing the store does not show yet."""

import hashlib
from collections.abc import AsyncIterable, Mapping
from io import BytesIO
from typing import TypeVar

import pytest

from contracts.commands import Accepted, CommandReply, CreateSession, Refused, SessionCommand
from contracts.media import upload_object
from contracts.queries import GetSession, Query, SessionView
from runtime.media.objects import QuotaExceeded, StoredObject, TooLarge
from runtime.settings import Settings
from services.gateway.bodies.requests import MediaRef
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.created import accept_session, read_created
from services.gateway.service_layer.outgoing_media import media_to_send
from services.gateway.service_layer.ports import (
    MediaObjects,
    MediaQuota,
    SessionCommands,
    StoreReads,
)
from services.gateway.service_layer.uploads import IncomingFile, keep_upload

V = TypeVar("V")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # 10 KiB past the signature
SETTINGS = Settings()


class MemoryObjects:
    """The object-store port in memory: whole objects in a dict, deletions remembered."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[StoredObject, bytes]] = {}
        self.tombstones: set[str] = set()

    async def put(
        self,
        name: str,
        chunks: AsyncIterable[bytes],
        *,
        headers: Mapping[str, str],
        limit: int | None = None,
    ) -> StoredObject:
        data = b""
        async for chunk in chunks:
            data += chunk
            if limit is not None and len(data) > limit:
                raise TooLarge(f"more than {limit} bytes")
        stored = StoredObject(
            name=name, nuid=f"n{len(self.objects)}", size=len(data), chunks=1,
            sha256=hashlib.sha256(data).hexdigest(), headers=dict(headers),
        )  # fmt: skip
        self.objects[name] = (stored, data)
        self.tombstones.discard(name)
        return stored

    async def info(self, name: str) -> StoredObject | None:
        kept = self.objects.get(name)
        return kept[0] if kept else None

    async def deleted(self, name: str) -> bool:
        return name in self.tombstones

    async def delete(self, name: str) -> bool:
        if self.objects.pop(name, None) is None:
            return False
        self.tombstones.add(name)
        return True


class MemoryQuota:
    """The quota port in memory: bytes per tenant, ``quota`` each (0: no limit)."""

    def __init__(self, quota: int = 0) -> None:
        self.quota = quota
        self.used: dict[str, int] = {}

    def _check(self, tenant: str, size: int) -> None:
        used = self.used.get(tenant, 0)
        if self.quota and used + size > self.quota:
            raise QuotaExceeded(self.quota, used, size)

    async def admit(self, tenant: str, size: int) -> None:
        self._check(tenant, size)

    async def add(self, tenant: str, size: int) -> None:
        self._check(tenant, size)
        self.used[tenant] = self.used.get(tenant, 0) + size


def incoming(data: bytes, claimed: str = "image/png") -> IncomingFile:
    body = BytesIO(data)

    async def read(n: int) -> bytes:
        return body.read(n)

    return IncomingFile(read=read, claimed=claimed, filename="a.png")  # length not declared


async def test_an_upload_is_kept_counted_and_sent_as_its_tenants_media() -> None:
    objects, quota = MemoryObjects(), MemoryQuota()
    store: MediaObjects = objects  # mypy: the memory ports are the ports
    usage: MediaQuota = quota
    upload = await keep_upload(usage, store, SETTINGS, "t1", incoming(PNG))
    assert (upload.mime, upload.size, upload.filename) == ("image/png", len(PNG), "a.png")
    assert upload.sha256 == hashlib.sha256(PNG).hexdigest()
    assert objects.objects[upload_object("t1", upload.id)][1] == PNG
    assert quota.used == {"t1": len(PNG)}
    media = await media_to_send(store, SETTINGS, "t1", MediaRef(id=upload.id, kind="image"))
    assert (media.upload_id, media.mime, media.filename) == (upload.id, "image/png", "a.png")
    with pytest.raises(ApiError) as other_tenant:
        await media_to_send(store, SETTINGS, "t2", MediaRef(id=upload.id, kind="image"))
    assert (other_tenant.value.status, other_tenant.value.code) == (404, "media_not_found")
    await store.delete(upload_object("t1", upload.id))
    with pytest.raises(ApiError) as gone:
        await media_to_send(store, SETTINGS, "t1", MediaRef(id=upload.id, kind="image"))
    assert (gone.value.status, gone.value.code) == (410, "media_gone")


async def test_an_upload_past_the_quota_is_refused_and_not_kept() -> None:
    objects, quota = MemoryObjects(), MemoryQuota(quota=len(PNG) - 1)
    with pytest.raises(ApiError) as refused:
        await keep_upload(quota, objects, SETTINGS, "t1", incoming(PNG))
    assert (refused.value.status, refused.value.code) == (507, "media_quota_exceeded")
    assert refused.value.details == {"quota": len(PNG) - 1, "used": 0, "size": len(PNG)}
    assert objects.objects == {} and len(objects.tombstones) == 1
    assert quota.used == {}


async def test_bytes_that_contradict_their_type_are_refused_before_anything_is_kept() -> None:
    objects, quota = MemoryObjects(), MemoryQuota()
    with pytest.raises(ApiError) as refused:
        await keep_upload(quota, objects, SETTINGS, "t1", incoming(PNG, claimed="image/jpeg"))
    assert (refused.value.status, refused.value.code) == (422, "media_type_mismatch")
    assert objects.objects == {} and quota.used == {}


class LaggingStore:
    """The store's port in memory, not caught up yet: everything is not found."""

    async def read(self, q: Query, kind: type[V]) -> V:
        raise ApiError(404, "not_found", "no such thing")


class RepeatingSessions:
    """The session service's port in memory: every session already exists."""

    async def command(self, cmd: SessionCommand) -> CommandReply:
        return Refused(code="already_exists", message="it exists")


async def test_a_repeated_create_is_accepted_and_its_read_back_asks_for_a_retry() -> None:
    sessions: SessionCommands = RepeatingSessions()
    cmd = CreateSession(tenant="t1", session="s1", name="one")
    assert await accept_session(sessions, cmd, keyed=True) == Accepted(session="s1")
    with pytest.raises(ApiError) as unkeyed:
        await accept_session(sessions, cmd, keyed=False)
    assert (unkeyed.value.status, unkeyed.value.code) == (409, "already_exists")
    store: StoreReads = LaggingStore()
    with pytest.raises(ApiError) as lagging:
        await read_created(store, GetSession(tenant="t1", session="s1"), SessionView)
    assert (lagging.value.status, lagging.value.code) == (503, "not_caught_up")
