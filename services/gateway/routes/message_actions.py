"""What can be done to a message: react (or take the reaction back), edit our own, revoke.

Each is queued like a send (paced, only while connected; 409 ``not_connected`` otherwise,
nothing sent) and answers with the id of the action; its fact (``message.reacted``,
``message.edited``, ``message.revoked``) follows once WhatsApp took it."""

from aiohttp import web

from contracts.commands import ActOnMessage
from contracts.conversation import Edit, MessageAction, React, Revoke
from contracts.emoji import is_single_emoji
from contracts.ids import new_id
from services.gateway.bodies.requests import Reaction, TextEdit, read_body
from services.gateway.bodies.responses import MessageAccepted
from services.gateway.http.errors import ApiError
from services.gateway.http.idempotency import keyed_id
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session, path_id
from services.gateway.routes.messages import queued
from services.gateway.service_layer.conversation import target_of

ops = Operations("messages")
MESSAGE = "/v1/sessions/{session_id}/messages/{message_id}"


async def _act(request: web.Request, action: MessageAction) -> web.Response:
    session = await owned_session(request)
    message_id = path_id(request, "message_id", "message")
    target = await target_of(request.app[BACKENDS], session, message_id)
    command = ActOnMessage(
        tenant=session.tenant, session=session.id, target=target, action=action,
        action_id=keyed_id(request) or new_id(), correlation_id=request_id(request),
    )  # fmt: skip
    return await queued(request, command)


@ops(
    "PUT", MESSAGE + "/reaction",
    summary="React to a message with one emoji (replacing our earlier reaction)",
    body=Reaction, status=202, returns=MessageAccepted, errors=(409,), idempotent=True,
)  # fmt: skip
async def react(request: web.Request) -> web.Response:
    body = await read_body(request, Reaction)
    if not is_single_emoji(body.emoji):
        raise ApiError(422, "invalid_emoji", "a reaction is exactly one emoji")
    return await _act(request, React(emoji=body.emoji))


@ops(
    "DELETE", MESSAGE + "/reaction",
    summary="Take our reaction to a message back",
    status=202, returns=MessageAccepted, errors=(409,), idempotent=True,
)  # fmt: skip
async def unreact(request: web.Request) -> web.Response:
    return await _act(request, React(emoji=""))


@ops(
    "PATCH", MESSAGE,
    summary="Edit the text of a message we sent, within WhatsApp's edit window",
    body=TextEdit, status=202, returns=MessageAccepted, errors=(403, 409), idempotent=True,
)  # fmt: skip
async def edit(request: web.Request) -> web.Response:
    body = await read_body(request, TextEdit)
    return await _act(request, Edit(text=body.text))


@ops(
    "DELETE", MESSAGE,
    summary="Delete a message we sent for everyone (revoke)",
    status=202, returns=MessageAccepted, errors=(403, 409), idempotent=True,
)  # fmt: skip
async def revoke(request: web.Request) -> web.Response:
    return await _act(request, Revoke())
