"""Messages of a session: send text, list (paginated), read one with its status; contacts."""

import msgspec
from aiohttp import web

from contracts.commands import SendCard, SendMedia, SendText, SessionCommand
from contracts.conversation import ContactCard, Location
from contracts.ids import new_id
from contracts.queries import (
    ContactList,
    GetMessage,
    ListContacts,
    ListMessages,
    MessageList,
    MessageView,
)
from services.gateway.bodies.addressing import jid_of
from services.gateway.bodies.requests import (
    MessageParams,
    Page,
    SendMessage,
    read_body,
    read_params,
)
from services.gateway.bodies.responses import (
    ContactPage,
    MessageAccepted,
    MessagePage,
    json_body,
    json_response,
)
from services.gateway.http.errors import ApiError
from services.gateway.http.idempotency import keyed_id
from services.gateway.http.keys import BACKENDS, MEDIA, MEDIA_FETCH, SETTINGS, USAGE
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session, path_id, path_session
from services.gateway.service_layer.conversation import quote_of
from services.gateway.service_layer.media_fetch import fetched_media_to_send
from services.gateway.service_layer.outgoing_media import media_to_send

ops = Operations("messages")


@ops(
    "POST", "/v1/sessions/{session_id}/messages",
    summary="Send a text, an uploaded file, a file at a public URL, a location or a contact "
    "card, optionally as a reply (reply_to); refused unless the session is connected",
    body=SendMessage, status=202, returns=MessageAccepted, errors=(409, 410), idempotent=True,
)  # fmt: skip
async def send_message(request: web.Request) -> web.Response:
    session = await owned_session(request)
    body = await read_body(request, SendMessage)
    kinds = [body.text, body.media, body.location, body.contact]
    if sum(kind is not None for kind in kinds) != 1:
        raise ApiError(422, "validation_failed",
                       "a message has one of: a text, a media, a location, a contact")  # fmt: skip
    to, message_id = jid_of(request, body.to), keyed_id(request) or new_id()  # a retry: same id
    quoting = body.reply_to
    reply_to = await quote_of(request.app[BACKENDS], session, to, quoting) if quoting else None
    command: SendText | SendMedia | SendCard
    if body.location is not None or body.contact is not None:
        command = SendCard(
            tenant=session.tenant, session=session.id, to=to, reply_to=reply_to,
            location=Location(**msgspec.structs.asdict(body.location)) if body.location else None,
            contact=ContactCard(**msgspec.structs.asdict(body.contact)) if body.contact else None,
            message_id=message_id, correlation_id=request_id(request),
        )  # fmt: skip
    elif body.media is not None:
        settings, ref = request.app[SETTINGS], body.media
        if (ref.id is None) == (ref.url is None):
            raise ApiError(422, "validation_failed", "a media has either an id or a url")
        if ref.url is None:
            media = await media_to_send(request.app[MEDIA], settings, session.tenant, ref)
        else:  # fetched and kept as an upload, then sent as one
            app = request.app
            media = await fetched_media_to_send(app[MEDIA_FETCH], app[USAGE], app[MEDIA],
                                                settings, session.tenant, ref, ref.url)  # fmt: skip
        command = SendMedia(
            tenant=session.tenant, session=session.id, to=to, media=media, reply_to=reply_to,
            message_id=message_id, correlation_id=request_id(request),
        )  # fmt: skip
    else:
        command = SendText(
            tenant=session.tenant, session=session.id, to=to, text=body.text or "",
            reply_to=reply_to, message_id=message_id, correlation_id=request_id(request),
        )  # fmt: skip
    return await queued(request, command)


async def queued(request: web.Request, command: SessionCommand) -> web.Response:
    """Hand a send (or an action) to the session service; 202 once the store has it."""
    backends = request.app[BACKENDS]
    accepted = await backends.accept(command)
    await backends.caught_up(command.tenant, command.session, accepted.sequence)
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
    summary="One message, with its delivery status, send attempts, reactions and edits",
    returns=MessageView,
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
