"""The session service's files in the JetStream object store."""

from contracts.media import upload_object
from runtime.media.store import MediaStore
from services.session.service_layer.media_files import MediaFiles

__all__ = ["ObjectStoreMediaFiles"]


class ObjectStoreMediaFiles(MediaFiles):
    def __init__(self, store: MediaStore) -> None:
        self.store = store

    async def read_upload(self, tenant: str, upload_id: str) -> bytes | None:
        stored = await self.store.info(upload_object(tenant, upload_id))
        if stored is None:
            return None
        data = bytearray()
        async for chunk in self.store.read(stored):
            data += chunk
        return bytes(data)
