"""Taking an upload: the body streamed into the object store chunk by chunk, its type sniffed
from its first bytes, refused (413) as soon as it is known to be too large."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contracts.ids import new_id
from contracts.media import Upload, upload_object
from runtime.media.kinds import SNIFF_BYTES, base_mime, contradicts, sniff
from runtime.media.objects import QuotaExceeded, StoredObject, TooLarge
from runtime.settings import Settings
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.ports import MediaObjects, MediaQuota

__all__ = ["IncomingFile", "checked_filename", "keep_upload", "store_upload", "upload_of"]

READ_SIZE = 64 * 1024
MAX_FILENAME = 255


@dataclass(frozen=True, kw_only=True)
class IncomingFile:
    """A file arriving (a raw body, a multipart form's field, a fetched URL): how to read it,
    and what it says about itself."""

    read: Callable[[int], Awaitable[bytes]]  # up to n bytes; b"" at the end
    claimed: str = ""  # the Content-Type it came with
    declared: int | None = None  # its length, when told beforehand
    filename: str | None = None


def checked_filename(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if len(raw) > MAX_FILENAME or any(c in raw for c in "/\\\x00") or not raw.isprintable():
        raise ApiError(422, "invalid_filename", "a filename is printable, without / or \\")
    return raw


async def keep_upload(
    usage: MediaQuota, store: MediaObjects, settings: Settings, tenant: str,
    incoming: IncomingFile, *, session: str | None = None,
) -> Upload:  # fmt: skip
    """A new upload of ``incoming``, within the tenant's quota (507 past it), and counted."""
    try:
        await usage.admit(tenant, incoming.declared or 0)
        upload = await store_upload(store, settings, tenant, new_id(), incoming, session=session)
        await _count(usage, store, tenant, upload)
    except QuotaExceeded as exc:
        raise ApiError(
            507, "media_quota_exceeded", "the tenant's media quota has no room for this file",
            {"quota": exc.quota, "used": exc.used, "size": exc.size},
        ) from None  # fmt: skip
    return upload


async def store_upload(
    store: MediaObjects, settings: Settings, tenant: str, upload_id: str, incoming: IncomingFile,
    *, session: str | None = None,
) -> Upload:  # fmt: skip
    """Stream the file into the object store as upload ``upload_id``, checked on the way."""
    declared = incoming.declared
    if declared is not None and declared > settings.media_upload_limit():
        raise _too_large(settings.media_upload_limit())
    head = await _head(incoming.read)
    if not head:
        raise ApiError(422, "empty_media", "the body is empty: there is no file")
    sniffed, claimed = sniff(head), incoming.claimed
    if contradicts(claimed, sniffed):
        raise ApiError(
            422, "media_type_mismatch", "the bytes are not of the type the Content-Type names",
            {"content_type": base_mime(claimed), "detected": sniffed or "unknown"},
        )  # fmt: skip
    mime = sniffed or base_mime(claimed) or "application/octet-stream"
    limit = settings.media_limit(mime)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    expires_at = datetime.now(UTC) + timedelta(seconds=settings.media_upload_ttl_s)
    headers = {"Wa-Mime": mime, "Wa-Expires-At": expires_at.isoformat()}
    if incoming.filename:
        headers["Wa-Filename"] = incoming.filename
    if session:
        headers["Wa-Session"] = session  # deleted with it
    try:
        stored = await store.put(
            upload_object(tenant, upload_id), _body(head, incoming.read), headers=headers,
            limit=limit,
        )  # fmt: skip
    except TooLarge as exc:
        raise _too_large(limit) from exc
    except ConnectionResetError as exc:
        raise ApiError(400, "malformed_request", "the request body ended early") from exc
    return upload_of(upload_id, stored)


async def _count(usage: MediaQuota, store: MediaObjects, tenant: str, upload: Upload) -> None:
    """Count a file just stored, or delete it again and raise QuotaExceeded."""
    try:
        await usage.add(tenant, upload.size)
    except QuotaExceeded:
        await store.delete(upload_object(tenant, upload.id))
        raise


def upload_of(upload_id: str, stored: StoredObject) -> Upload:
    return Upload(
        id=upload_id,
        mime=stored.headers.get("Wa-Mime", "application/octet-stream"),
        size=stored.size,
        sha256=stored.sha256,
        filename=stored.headers.get("Wa-Filename"),
        expires_at=datetime.fromisoformat(stored.headers["Wa-Expires-At"]),
    )


async def _head(read: Callable[[int], Awaitable[bytes]]) -> bytes:
    head = bytearray()
    while len(head) < SNIFF_BYTES:
        piece = await read(SNIFF_BYTES - len(head))
        if not piece:
            break
        head += piece
    return bytes(head)


async def _body(head: bytes, read: Callable[[int], Awaitable[bytes]]) -> AsyncIterator[bytes]:
    yield head
    while piece := await read(READ_SIZE):
        yield piece


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "media_too_large", f"a file of this type is at most {limit} bytes",
                    {"limit": limit})  # fmt: skip
