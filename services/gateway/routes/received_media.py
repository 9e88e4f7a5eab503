"""A received message's file: streamed from the object store, with ranges."""

from urllib.parse import quote

from aiohttp import web

from contracts.media import received_object
from contracts.queries import GetMessage, MessageView
from services.gateway.byte_ranges import Unsatisfiable, byte_range
from services.gateway.errors import ApiError
from services.gateway.keys import BACKENDS, MEDIA
from services.gateway.operations import Operations
from services.gateway.paths import owned_session, path_id

ops = Operations("media")
BINARY = {"application/octet-stream": {"type": "string", "format": "binary"}}


@ops(
    "GET", "/v1/sessions/{session_id}/messages/{message_id}/media",
    summary="A received message's file (Range supported; 409 while it is being fetched)",
    media=BINARY, errors=(404, 409, 410, 416),
)  # fmt: skip
async def get_received_media(request: web.Request) -> web.StreamResponse:
    session = await owned_session(request)
    message_id = path_id(request, "message_id", "message")
    query = GetMessage(tenant=session.tenant, session=session.id, message_id=message_id)
    message = await request.app[BACKENDS].read(query, MessageView)
    if message.media is None:
        raise ApiError(404, "not_found", "this message has no file")
    if message.media_status == "failed":
        raise ApiError(410, "media_gone", "the file could not be downloaded",
                       {"reason": message.media_error})  # fmt: skip
    store = request.app[MEDIA]
    name = received_object(session.tenant, session.id, message_id)
    stored = await store.info(name) if message.media_status == "stored" else None
    if stored is None:
        if message.media_status == "stored":
            raise ApiError(410, "media_gone", "the file is no longer kept")
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
