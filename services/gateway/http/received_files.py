"""Streaming a received message's file from the object store: statuses, ETag and ranges, the
same for a tenant's API key and for a signed link."""

from urllib.parse import quote

from aiohttp import web

from contracts.media import received_object
from contracts.queries import GetMessage, MessageView
from services.gateway.http.byte_ranges import Unsatisfiable, byte_range
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BACKENDS, MEDIA

__all__ = ["serve_received"]


async def serve_received(
    request: web.Request, tenant: str, session: str, message_id: str, min_sequence: int = 0
) -> web.StreamResponse:
    """``min_sequence``: the store answers once it has applied that event (read-your-writes:
    a client told by ``message.media_stored`` that the file is kept gets it, not a 409)."""
    query = GetMessage(
        tenant=tenant, session=session, message_id=message_id, min_sequence=min_sequence
    )
    message = await request.app[BACKENDS].read(query, MessageView)
    if message.media is None:
        raise ApiError(404, "not_found", "this message has no file")
    if message.media_status == "failed":
        raise ApiError(410, "media_gone", "the file could not be kept",
                       {"reason": message.media_error})  # fmt: skip
    store = request.app[MEDIA]
    name = received_object(tenant, session, message_id)
    stored = await store.info(name) if message.media_status == "stored" else None
    if stored is None:
        if message.media_status == "stored":
            raise ApiError(410, "media_gone", "the file is no longer kept (retention)",
                           {"reason": "expired"})  # fmt: skip
        raise ApiError(409, "media_not_ready", "the file is still being downloaded",
                       headers={"Retry-After": "1"})  # fmt: skip
    etag = f'"{stored.sha256}"'
    headers = {"ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "private"}
    if message.media.filename:
        headers["Content-Disposition"] = _disposition(message.media.filename)
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    try:
        wanted = byte_range(request.headers.get("Range"), stored.size)
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{stored.size}"
        raise ApiError(416, "range_not_satisfiable", "the range lies outside the file",
                       {"size": stored.size}, headers=headers) from None  # fmt: skip
    start, end = wanted or (0, stored.size)
    response = web.StreamResponse(status=206 if wanted else 200, headers=headers)
    response.content_type = message.media.mime.split(";", 1)[0].strip()
    response.content_length = end - start
    if wanted:
        response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{stored.size}"
    await response.prepare(request)
    async for chunk in store.read(stored, start, end):
        await response.write(chunk)
    await response.write_eof()
    return response


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("\\", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
