"""A received message's file: streamed from the object store, with ranges."""

from aiohttp import web

from services.gateway.bodies.requests import MediaParams, read_params
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session, path_id
from services.gateway.http.positions import min_sequence
from services.gateway.http.received_files import serve_received

ops = Operations("media")
BINARY = {"application/octet-stream": {"type": "string", "format": "binary"}}


@ops(
    "GET", "/v1/sessions/{session_id}/messages/{message_id}/media",
    summary="A received message's file (Range supported; 409 while it is being fetched)",
    params=MediaParams, media=BINARY, errors=(404, 409, 410, 416),
)  # fmt: skip
async def get_received_media(request: web.Request) -> web.StreamResponse:
    params = read_params(request, MediaParams)
    session = await owned_session(request)
    message_id = path_id(request, "message_id", "message")
    after = await min_sequence(request, params.after_event)
    return await serve_received(request, session.tenant, session.id, message_id, after)
