"""A received file through a signed link (as webhook deliveries carry): no API key; the
signature binds tenant, session, message and expiry."""

import time

import msgspec
from aiohttp import web

from runtime.media.links import LINK_PATH
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import LINKS
from services.gateway.http.operations import Operations
from services.gateway.http.paths import path_id
from services.gateway.http.received_files import serve_received
from services.gateway.routes.received_media import BINARY

ops = Operations("media")


class LinkParams(msgspec.Struct, frozen=True, kw_only=True):
    expires: int  # unix seconds
    signature: str


@ops(
    "GET", LINK_PATH,
    summary="A received message's file by a signed link (no API key; 403 tampered, 410 expired)",
    auth="none", params=LinkParams, media=BINARY, errors=(403, 404, 409, 410, 416),
)  # fmt: skip
async def get_linked_media(request: web.Request) -> web.StreamResponse:
    tenant, session, message = (
        path_id(request, f"{what}_id", what) for what in ("tenant", "session", "message")
    )
    try:
        expires = int(request.query.get("expires", ""))
    except ValueError:
        expires = -1
    signature = request.query.get("signature", "")
    if expires < 0 or not request.app[LINKS].genuine(tenant, session, message, expires, signature):
        raise ApiError(403, "link_invalid", "the link's signature does not match it")
    if expires < time.time():
        raise ApiError(410, "link_expired", "the link has expired: take a newer one",
                       {"expired_at": expires})  # fmt: skip
    return await serve_received(request, tenant, session, message)
