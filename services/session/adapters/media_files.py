"""The session service's files in the JetStream object store, counted against the tenant's
media quota."""

from collections.abc import AsyncIterator
from pathlib import Path

from contracts.media import received_object, upload_object
from runtime.media.listing import Listed, list_objects
from runtime.media.store import MediaStore
from runtime.media.usage import MediaUsage, QuotaExceeded
from services.session.service_layer.media_files import KeptFile, MediaFiles, OverQuota

__all__ = ["ObjectStoreMediaFiles"]


class ObjectStoreMediaFiles(MediaFiles):
    def __init__(self, store: MediaStore, usage: MediaUsage | None = None) -> None:
        self.store = store
        self.usage = usage

    async def copy_upload(self, tenant: str, upload_id: str, into: Path) -> bool:
        stored = await self.store.info(upload_object(tenant, upload_id))
        if stored is None:
            return False
        with into.open("wb") as file:  # chunks of 128 KiB: short blocking writes
            async for chunk in self.store.read(stored):
                file.write(chunk)
        return True

    async def read_object(self, name: str) -> bytes | None:
        stored = await self.store.info(name)
        if stored is None:
            return None
        # one allocation and one copy of the whole: growing a bytearray and then copying it
        # into bytes cost 2-3 times as much (fresh pages of a multi-MB buffer, twice)
        return b"".join([chunk async for chunk in self.store.read(stored)])

    async def kept(self, tenant: str, session: str, message_id: str) -> KeptFile | None:
        stored = await self.store.info(received_object(tenant, session, message_id))
        return None if stored is None else KeptFile(size=stored.size, sha256=stored.sha256)

    async def keep(
        self, tenant: str, session: str, message_id: str, data: bytes, mime: str
    ) -> KeptFile:
        async def chunks() -> AsyncIterator[bytes]:
            yield data

        name = received_object(tenant, session, message_id)
        try:
            if self.usage is not None:
                await self.usage.admit(tenant, len(data))
            stored = await self.store.put(name, chunks(), headers={"Content-Type": mime})
            if self.usage is not None:
                await self.usage.count_stored(self.store, tenant, name, stored.size)
        except QuotaExceeded as exc:
            raise OverQuota(str(exc)) from exc
        return KeptFile(size=stored.size, sha256=stored.sha256)

    async def forget_session(self, tenant: str, session: str) -> int:
        def of_session(item: Listed) -> bool:
            return item.tenant == tenant and item.session == session

        deleted = [item for item in await list_objects(self.store.js, of_session)
                   if await self.store.delete(item.name)]  # fmt: skip
        if self.usage is not None and deleted:
            await self.usage.remove(tenant, sum(item.size for item in deleted))
        return len(deleted)
