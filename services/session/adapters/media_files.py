"""The session service's files in the JetStream object store."""

from collections.abc import AsyncIterator
from pathlib import Path

from contracts.media import received_object, upload_object
from runtime.media.store import MediaStore
from services.session.service_layer.media_files import KeptFile, MediaFiles

__all__ = ["ObjectStoreMediaFiles"]


class ObjectStoreMediaFiles(MediaFiles):
    def __init__(self, store: MediaStore) -> None:
        self.store = store

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
        data = bytearray()
        async for chunk in self.store.read(stored):
            data += chunk
        return bytes(data)

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
