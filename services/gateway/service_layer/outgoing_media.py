"""A file named in a send: the caller's upload, still kept, of a type its kind can carry."""

from datetime import UTC, datetime

from contracts.media import MediaDescriptor, upload_object
from runtime.media.kinds import fits
from runtime.settings import Settings
from services.gateway.bodies.requests import MediaRef
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.ports import MediaObjects
from services.gateway.service_layer.uploads import upload_of

__all__ = ["media_to_send"]


async def media_to_send(
    store: MediaObjects, settings: Settings, tenant: str, ref: MediaRef
) -> MediaDescriptor:
    upload_id = ref.id or ""
    name = upload_object(tenant, upload_id)
    stored = await store.info(name)  # another tenant's: not found
    if stored is None and await store.deleted(name):
        raise ApiError(410, "media_gone", "the upload expired (or was deleted) before it was sent")
    if stored is None:
        raise ApiError(404, "media_not_found", "no such upload")
    upload = upload_of(upload_id, stored)
    if upload.expires_at <= datetime.now(UTC):
        raise ApiError(410, "media_gone", "the upload expired before it was sent")
    details = {"kind": ref.kind, "mime": upload.mime}
    if not fits(ref.kind, upload.mime):
        raise ApiError(422, "unsupported_media", f"a {ref.kind} cannot carry {upload.mime}",
                       details)  # fmt: skip
    if ref.kind == "sticker" and upload.size > settings.media_max_sticker_bytes:
        limit = settings.media_max_sticker_bytes
        raise ApiError(422, "unsupported_media", f"a sticker is at most {limit} bytes",
                       {**details, "limit": limit})  # fmt: skip
    return MediaDescriptor(
        kind=ref.kind,
        mime=upload.mime,
        size=upload.size,
        sha256=upload.sha256,
        filename=ref.filename or upload.filename,
        caption=ref.caption,
        upload_id=upload_id,
    )
