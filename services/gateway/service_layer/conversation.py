"""What a reply or an action needs to know of the message it is about, read from the store."""

from contracts.conversation import MessageRef, Quote
from contracts.queries import GetMessage, MessageView, SessionView
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.ports import StoreReads

__all__ = ["quote_of", "target_of"]


async def _message(store: StoreReads, session: SessionView, message_id: str) -> MessageView:
    query = GetMessage(tenant=session.tenant, session=session.id, message_id=message_id)
    return await store.read(query, MessageView)


async def quote_of(store: StoreReads, session: SessionView, chat_jid: str, reply_to: str) -> Quote:
    """The message ``reply_to`` of this session and chat; else 422 (a reply quotes a message
    of its own chat: WhatsApp would show nothing, or the wrong one)."""
    try:
        quoted = await _message(store, session, reply_to)
    except ApiError as exc:
        if exc.status != 404:
            raise
        quoted = None
    if quoted is None or quoted.chat_jid != chat_jid:
        raise ApiError(422, "invalid_reply_to", "reply_to names no message of this chat",
                       {"reply_to": reply_to})  # fmt: skip
    return Quote(
        message_id=quoted.message_id, sender_jid=None if quoted.from_me else quoted.sender_jid,
        from_me=quoted.from_me, text=quoted.text,
    )  # fmt: skip


async def target_of(store: StoreReads, session: SessionView, message_id: str) -> MessageRef:
    """The message ``message_id`` (404 when it is not this session's)."""
    view = await _message(store, session, message_id)
    if view.revoked_at is not None:
        raise ApiError(409, "message_revoked", "the message was deleted for everyone")
    return MessageRef(
        message_id=view.message_id, chat_jid=view.chat_jid,
        sender_jid=None if view.from_me else view.sender_jid, from_me=view.from_me,
        sent_at=view.sent_at if view.status != "queued" and view.status != "failed" else None,
        kind=view.media_kind or ("media" if view.media is not None else None),
    )  # fmt: skip
