"""Messages of a session: send text, list (paginated), read one with its status; contacts."""

from aiohttp import web

from contracts.commands import SendMedia, SendText
from contracts.ids import new_id
from contracts.queries import (
    ContactList,
    GetMessage,
    ListContacts,
    ListMessages,
    MessageList,
    MessageView,
)
from services.gateway.addressing import jid_of
from services.gateway.bodies import MessageParams, Page, SendMessage, read_body, read_params
from services.gateway.errors import ApiError
from services.gateway.idempotency import keyed_id
from services.gateway.keys import BACKENDS, MEDIA, SETTINGS
from services.gateway.middleware import request_id
from services.gateway.operations import Operations
from services.gateway.outgoing_media import media_to_send
from services.gateway.paths import owned_session, path_id, path_session
from services.gateway.responses import (
    ContactPage,
    MessageAccepted,
    MessagePage,
    json_body,
    json_response,
)

ops = Operations("messages")


@ops(
    "POST", "/v1/sessions/{session_id}/messages",
    summary="Send a text or an uploaded file; refused unless the session is connected",
    body=SendMessage, status=202, returns=MessageAccepted, errors=(409, 410), idempotent=True,
)  # fmt: skip
async def send_message(request: web.Request) -> web.Response:
    session = await owned_session(request)
    body = await read_body(request, SendMessage)
    if (body.text is None) == (body.media is None):
        raise ApiError(422, "validation_failed", "a message has either a text or a media")
    to, message_id = jid_of(request, body.to), keyed_id(request) or new_id()  # a retry: same id
    command: SendText | SendMedia
    if body.media is not None:
        settings = request.app[SETTINGS]
        media = await media_to_send(request.app[MEDIA], settings, session.tenant, body.media)
        command = SendMedia(
            tenant=session.tenant, session=session.id, to=to, media=media,
            message_id=message_id, correlation_id=request_id(request),
        )  # fmt: skip
    else:
        command = SendText(
            tenant=session.tenant, session=session.id, to=to, text=body.text or "",
            message_id=message_id, correlation_id=request_id(request),
        )  # fmt: skip
    backends = request.app[BACKENDS]
    accepted = await backends.accept(command)
    await backends.caught_up(session.tenant, session.id, accepted.sequence)
    return json_response(MessageAccepted(id=accepted.message_id or "", status="queued"), 202)


@ops(
    "GET", "/v1/sessions/{session_id}/messages",
    summary="Messages of a session, newest first; optionally of one chat",
    params=MessageParams, returns=MessagePage,
)  # fmt: skip
async def list_messages(request: web.Request) -> web.Response:
    tenant, session = path_session(request)
    params = read_params(request, MessageParams)
    query = ListMessages(
        tenant=tenant,
        session=session,
        chat_jid=jid_of(request, params.chat) if params.chat else None,
        cursor=params.cursor,
        limit=params.limit,
        require_session=True,
    )
    return json_body(await request.app[BACKENDS].read_json(query, MessageList, untagged=True))


@ops(
    "GET", "/v1/sessions/{session_id}/messages/{message_id}",
    summary="One message, with its delivery status and send attempts", returns=MessageView,
)  # fmt: skip
async def get_message(request: web.Request) -> web.Response:
    tenant, session = path_session(request)
    message_id = path_id(request, "message_id", "message")
    query = GetMessage(tenant=tenant, session=session, message_id=message_id, require_session=True)
    return json_body(await request.app[BACKENDS].read_json(query, MessageView, untagged=False))


@ops(
    "GET", "/v1/sessions/{session_id}/contacts",
    summary="The people a session talks to", params=Page, returns=ContactPage,
)  # fmt: skip
async def list_contacts(request: web.Request) -> web.Response:
    tenant, session = path_session(request)
    params = read_params(request, Page)
    query = ListContacts(
        tenant=tenant, session=session, cursor=params.cursor, limit=params.limit,
        require_session=True,
    )  # fmt: skip
    return json_body(await request.app[BACKENDS].read_json(query, ContactList, untagged=True))
