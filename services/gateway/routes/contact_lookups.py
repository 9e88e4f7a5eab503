"""Contact lookups through WhatsApp: which numbers have it, and profile pictures (cached by
the session, paced: bulk lookups are a ban trigger)."""

from aiohttp import web

from contracts.chat_commands import CheckNumbers, GetProfilePicture, NumbersChecked, ProfilePicture
from services.gateway.bodies.addressing import jid_of
from services.gateway.bodies.chats import NumberChecks, NumbersToCheck
from services.gateway.bodies.requests import read_body
from services.gateway.bodies.responses import json_response
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session

ops = Operations("contacts")
IMAGE = {"image/jpeg": {"type": "string", "format": "binary"}}


@ops(
    "POST", "/v1/sessions/{session_id}/contacts/check",
    summary="Which numbers are on WhatsApp (at most 50; cached, paced)", body=NumbersToCheck,
    returns=NumberChecks, errors=(409, 422, 429, 502),
)  # fmt: skip
async def check_numbers(request: web.Request) -> web.Response:
    session = await owned_session(request)
    body = await read_body(request, NumbersToCheck)
    command = CheckNumbers(
        tenant=session.tenant,
        session=session.id,
        phones=body.phones,
        correlation_id=request_id(request),
    )
    reply = await request.app[BACKENDS].answer(command, NumbersChecked)
    return json_response(NumberChecks(results=reply.results))


@ops(
    "GET", "/v1/sessions/{session_id}/contacts/{jid}/picture",
    summary="A contact's (or group's) profile picture; 404 when there is none (cached, paced)",
    media=IMAGE, errors=(404, 409, 422, 429, 502),
)  # fmt: skip
async def profile_picture(request: web.Request) -> web.Response:
    session = await owned_session(request)
    jid = jid_of(request, request.match_info["jid"])
    command = GetProfilePicture(
        tenant=session.tenant, session=session.id, jid=jid, correlation_id=request_id(request)
    )
    reply = await request.app[BACKENDS].answer(command, ProfilePicture)
    if reply.data is None:
        raise ApiError(404, "not_found", "this contact has no profile picture (or hides it)")
    headers = {"Cache-Control": "private, max-age=300"}
    return web.Response(body=reply.data, content_type=reply.mime, headers=headers)
