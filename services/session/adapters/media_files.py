"""The session service's files in the JetStream object store."""

from collections.abc import AsyncIterator

from contracts.media import received_object, upload_object
from runtime.media.store import MediaStore
from services.session.service_layer.media_files import KeptFile, MediaFiles

__all__ = ["ObjectStoreMediaFiles"]


class ObjectStoreMediaFiles(MediaFiles):
    def __init__(self, store: MediaStore) -> None:
        self.store = store

    async def read_upload(self, tenant: str, upload_id: str) -> bytes | None:
        return await self.read_object(upload_object(tenant, upload_id))

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
        stored = await self.store.put(name, chunks(), headers={"Content-Type": mime})
        return KeptFile(size=stored.size, sha256=stored.sha256)
