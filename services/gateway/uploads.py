"""Taking an upload: the body streamed into the object store chunk by chunk, its type sniffed
from its first bytes, refused (413) as soon as it is known to be too large."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from aiohttp import web

from contracts.media import Upload, upload_object
from runtime.media.kinds import SNIFF_BYTES, base_mime, contradicts, sniff
from runtime.media.store import MediaStore, StoredObject, TooLarge
from runtime.settings import Settings
from services.gateway.errors import ApiError

__all__ = ["receive_upload", "upload_of"]

READ_SIZE = 64 * 1024
MAX_FILENAME = 255


async def receive_upload(
    request: web.Request,
    store: MediaStore,
    settings: Settings,
    tenant: str,
    upload_id: str,
    *,
    session: str | None = None,
) -> Upload:
    filename = _filename(request.query.get("filename"))
    declared = request.content_length
    if declared is not None and declared > settings.media_upload_limit():
        raise _too_large(settings.media_upload_limit())
    head = await _head(request)
    if not head:
        raise ApiError(422, "empty_media", "the body is empty: there is no file")
    sniffed = sniff(head)
    claimed = request.headers.get("Content-Type", "")
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
    if filename:
        headers["Wa-Filename"] = filename
    if session:
        headers["Wa-Session"] = session  # deleted with it
    try:
        stored = await store.put(
            upload_object(tenant, upload_id), _body(head, request), headers=headers, limit=limit
        )
    except TooLarge as exc:
        raise _too_large(limit) from exc
    except ConnectionResetError as exc:
        raise ApiError(400, "malformed_request", "the request body ended early") from exc
    return upload_of(upload_id, stored)


def upload_of(upload_id: str, stored: StoredObject) -> Upload:
    return Upload(
        id=upload_id,
        mime=stored.headers.get("Wa-Mime", "application/octet-stream"),
        size=stored.size,
        sha256=stored.sha256,
        filename=stored.headers.get("Wa-Filename"),
        expires_at=datetime.fromisoformat(stored.headers["Wa-Expires-At"]),
    )


def _filename(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if len(raw) > MAX_FILENAME or any(c in raw for c in "/\\\x00") or not raw.isprintable():
        raise ApiError(422, "invalid_filename", "a filename is printable, without / or \\")
    return raw


async def _head(request: web.Request) -> bytes:
    head = bytearray()
    while len(head) < SNIFF_BYTES:
        piece = await request.content.read(SNIFF_BYTES - len(head))
        if not piece:
            break
        head += piece
    return bytes(head)


async def _body(head: bytes, request: web.Request) -> AsyncIterator[bytes]:
    yield head
    while piece := await request.content.read(READ_SIZE):
        yield piece


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "media_too_large", f"a file of this type is at most {limit} bytes",
                    {"limit": limit})  # fmt: skip
