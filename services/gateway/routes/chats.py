"""Chats of a session: list them, mark one read (paced read receipts), show typing; and the
session's options (``typing_before_send``)."""

from aiohttp import web

from contracts.chat_commands import MarkChatRead, ReadRef, SendPresence, SetSessionOptions
from contracts.queries import (
    MAX_PAGE_SIZE,
    ChatList,
    ChatView,
    GetChat,
    GetSession,
    ListChats,
    ListMessages,
    MessageList,
    MessageView,
    SessionView,
)
from services.gateway.bodies.addressing import jid_of
from services.gateway.bodies.chats import (
    ChatPage,
    PresenceAccepted,
    PresenceRequest,
    ReadAccepted,
    SessionOptions,
)
from services.gateway.bodies.requests import ChatParams, read_body, read_params
from services.gateway.bodies.responses import json_response
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session
from services.gateway.http.positions import min_sequence

ops = Operations("chats")


@ops(
    "GET", "/v1/sessions/{session_id}/chats",
    summary="The session's chats, most recent first, with unread counts", params=ChatParams,
    returns=ChatPage,
)  # fmt: skip
async def list_chats(request: web.Request) -> web.Response:
    session = await owned_session(request)
    params = read_params(request, ChatParams)
    query = ListChats(
        tenant=session.tenant,
        session=session.id,
        cursor=params.cursor,
        limit=params.limit,
        min_sequence=await min_sequence(request, params.after_event),
    )
    page = await request.app[BACKENDS].read(query, ChatList)
    return json_response(ChatPage(items=page.items, next_cursor=page.next_cursor))


async def _unread(
    request: web.Request, session: SessionView, chat_jid: str
) -> dict[str, list[ReadRef]]:
    """The chat's unread incoming messages among its newest 200, as the store shows them (the
    page holds our own messages too, so it is never cut to the unread count), by the JID each
    came in on: a person's chat holds what came by their phone JID and by their @lid, and a
    receipt names the chat of its messages (WhatsApp ignores one for the other)."""
    backends = request.app[BACKENDS]
    try:
        chat = await backends.read(
            GetChat(tenant=session.tenant, session=session.id, chat_jid=chat_jid), ChatView
        )
    except ApiError as exc:
        if exc.code == "not_found":
            return {}
        raise
    if chat.unread_count == 0:
        return {}
    query = ListMessages(
        tenant=session.tenant,
        session=session.id,
        chat_jid=chat.jid,
        limit=MAX_PAGE_SIZE,
    )
    page = await backends.read(query, MessageList)
    by_chat: dict[str, list[ReadRef]] = {}
    for m in page.items:
        if _unread_in(chat, m):
            by_chat.setdefault(m.chat_jid, []).append(_ref(chat, m))
    return by_chat


def _unread_in(chat: ChatView, m: MessageView) -> bool:
    if m.from_me or m.sent_at is None:
        return False
    return chat.last_read_at is None or m.sent_at > chat.last_read_at


def _ref(chat: ChatView, m: MessageView) -> ReadRef:
    sender = (m.sender_lid or m.sender_jid) if chat.kind == "group" else None
    assert m.sent_at is not None
    return ReadRef(message_id=m.message_id, sender_jid=sender, sent_at=m.sent_at)


@ops(
    "POST", "/v1/sessions/{session_id}/chats/{chat}/read",
    summary="Mark the chat's incoming messages read on WhatsApp (paced read receipts)",
    status=202, returns=ReadAccepted, errors=(409, 422),
)  # fmt: skip
async def mark_read(request: web.Request) -> web.Response:
    session = await owned_session(request)
    chat_jid = jid_of(request, request.match_info["chat"])
    unread = await _unread(request, session, chat_jid) or {chat_jid: []}  # none: still asked
    backends = request.app[BACKENDS]
    statuses = set()
    for jid, refs in unread.items():  # a retry queues nothing twice (the session knows)
        accepted = await backends.accept(
            MarkChatRead(
                tenant=session.tenant,
                session=session.id,
                chat_jid=jid,
                messages=refs,
                correlation_id=request_id(request),
            )
        )
        statuses.add(accepted.status or "queued")
    status = "queued" if "queued" in statuses else statuses.pop()
    count = sum(len(refs) for refs in unread.values())
    return json_response(ReadAccepted(chat=chat_jid, status=status, messages=count), 202)


@ops(
    "POST", "/v1/sessions/{session_id}/chats/{chat}/presence",
    summary='Show "typing…" (composing), "recording…", or stop (paused); paced',
    body=PresenceRequest, status=202, returns=PresenceAccepted, errors=(409, 422),
)  # fmt: skip
async def send_presence(request: web.Request) -> web.Response:
    session = await owned_session(request)
    chat_jid = jid_of(request, request.match_info["chat"])
    body = await read_body(request, PresenceRequest)
    accepted = await request.app[BACKENDS].accept(
        SendPresence(
            tenant=session.tenant,
            session=session.id,
            chat_jid=chat_jid,
            state=body.state,
            correlation_id=request_id(request),
        )
    )
    reply = PresenceAccepted(chat=chat_jid, state=body.state, status=accepted.status or "queued")
    return json_response(reply, 202)


@ops(
    "PATCH", "/v1/sessions/{session_id}",
    summary="Change a session's options (typing_before_send)", body=SessionOptions,
    returns=SessionView,
)  # fmt: skip
async def update_session(request: web.Request) -> web.Response:
    session = await owned_session(request)
    body = await read_body(request, SessionOptions)
    backends = request.app[BACKENDS]
    accepted = await backends.accept(
        SetSessionOptions(
            tenant=session.tenant,
            session=session.id,
            typing_before_send=body.typing_before_send,
            correlation_id=request_id(request),
        )
    )
    query = GetSession(
        tenant=session.tenant, session=session.id, min_sequence=accepted.sequence or 0
    )
    return json_response(await backends.read(query, SessionView))
