"""The projection rules: one event in, the row changes it causes out. Pure; no I/O."""

import msgspec

from contracts.envelope import Envelope
from contracts.events import (
    ChatRead,
    ContactUpdated,
    MessageEdited,
    MessageMediaFailed,
    MessageMediaStored,
    MessageQueued,
    MessageReacted,
    MessageReceived,
    MessageRevoked,
    MessageSendFailed,
    MessageSent,
    MessageStatus,
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
    SessionOptionsChanged,
    SessionPairingFailed,
    SessionPairingStarted,
)
from contracts.media import MediaDescriptor
from services.store.domain.changes import Op, RowChange
from services.store.domain.chats import chat_linked, chat_of_queued, chat_of_received, chat_read
from services.store.domain.contacts import contact_changes
from services.store.domain.conversation import card_params, conversation_changes
from services.store.domain.groups import group_changes
from services.store.domain.reminders import reminder_changes

__all__ = ["STATUS_RANK", "changes_for"]

# A delivery status only moves forward: a late "delivered" never undoes a "read".
STATUS_RANK = {"queued": 0, "failed": 1, "sent": 2, "delivered": 3, "read": 4, "played": 5}
RECEIVED_RANK = 10
_media_json = msgspec.json.Encoder()
SENT_RANK = STATUS_RANK["sent"]


def changes_for(sequence: int, env: Envelope) -> list[RowChange]:
    """The row changes of one event, in the order they must be applied."""
    payload = env.payload
    if type(payload) is MessageReceived:  # most of any stream: no match, no shared dicts
        return _received(sequence, env, payload)
    session_key = (("session", env.tenant, env.session),)
    base = {"tenant": env.tenant, "session_id": env.session, "at": env.occurred_at}
    match payload:  # the most frequent events first: each case is one isinstance check
        case MessageStatus() as ev:
            params = {
                **base,
                "message_id": ev.message_id,
                "status": ev.status,
                "rank": STATUS_RANK[ev.status],
            }
            return [RowChange("message.status", _message_key(env, ev.message_id), params)]
        case MessageSent() as ev:
            params = {
                **base,
                "message_id": ev.message_id,
                "attempt": ev.attempt,
                "status": "sent",
                "rank": SENT_RANK,
            }
            return [RowChange("message.sent", _message_key(env, ev.message_id), params)]
        case MessageQueued() as ev:
            params = {
                **base,
                "message_id": ev.message_id,
                "chat_jid": ev.chat_jid,
                "text": ev.text,
                "reminder_id": ev.reminder_id,
                "reply_to": ev.quote.message_id if ev.quote else None,
                "media_kind": _queued_kind(ev),
                **card_params(ev.location, ev.contact),
            }
            queued = RowChange("message.queued", _message_key(env, ev.message_id), params)
            return [queued, chat_of_queued(sequence, env, ev)]
        case MessageSendFailed() as ev:
            return _send_failed(sequence, env, ev)
        case MessageMediaStored() as ev:
            params = {**base, "message_id": ev.message_id, "size": ev.size, "sha256": ev.sha256}
            return [RowChange("message.media_stored", _message_key(env, ev.message_id), params)]
        case MessageMediaFailed() as ev:
            params = {**base, "message_id": ev.message_id, "reason": ev.reason}
            return [RowChange("message.media_failed", _message_key(env, ev.message_id), params)]
        case ContactUpdated() as ev:
            tenant, session, at = env.tenant, env.session, env.occurred_at
            names = (ev.push_name, ev.saved_name)
            changes = contact_changes(tenant, session, at, ev.jid, ev.lid, ev.phone_number, *names)
            if ev.lid and not ev.jid.endswith("@lid"):
                changes.append(chat_linked(sequence, tenant, session, at, ev.jid, ev.lid))
            return changes
        case ChatRead() as ev:
            return [chat_read(sequence, env, ev)]
        case SessionOptionsChanged() as ev:
            params = {**base, "typing_before_send": ev.typing_before_send}
            return [RowChange("session.options", session_key, params)]
        case SessionCreated(name=name):
            return [
                RowChange("tenant.seen", (("tenant", env.tenant),), base),
                RowChange("session.created", session_key, {**base, "name": name}),
            ]
        case SessionPairingStarted():
            return [RowChange("session.pairing", session_key, base)]
        case SessionPairingFailed() as ev:
            params = {**base, "reason": ev.reason}
            return [RowChange("session.pairing_failed", session_key, params)]
        case SessionConnected() as ev:
            values = {"phone_number": ev.phone_number, "jid": ev.jid, "push_name": ev.push_name}
            return [RowChange("session.connected", session_key, {**base, **values})]
        case SessionDisconnected() as ev:
            status = "reconnecting" if ev.will_retry else "needs_attention"
            drop = {**base, "reason": ev.reason, "attempt": ev.attempt}
            record = {**drop, "event_id": env.id, "sequence": sequence}
            return [
                RowChange("session.disconnected", session_key, {**drop, "status": status}),
                RowChange(
                    "session.disconnect_recorded",
                    (("disconnect", env.id),),
                    {**record, "will_retry": ev.will_retry},
                ),
            ]
        case SessionLoggedOut() as ev:
            status = "banned" if ev.reason == "banned" else "logged_out"
            params = {**base, "status": status, "reason": ev.reason}
            return [RowChange("session.logged_out", session_key, params)]
        case SessionDeleted():
            return [RowChange("session.deleted", session_key, base)]
        case MessageReacted() | MessageEdited() | MessageRevoked():
            return conversation_changes(sequence, env, payload)
        case _ if env.type.startswith("group."):
            return group_changes(env)
        case _:
            return reminder_changes(sequence, env)


def _queued_kind(ev: MessageQueued) -> str | None:
    if ev.media is not None:
        return ev.media.kind
    return "location" if ev.location else "contact" if ev.contact else None


def _message_key(env: Envelope, message_id: str) -> tuple[tuple[str, ...], ...]:
    return (("message", env.tenant, env.session, message_id),)


def _received(sequence: int, env: Envelope, ev: MessageReceived) -> list[RowChange]:
    from_me = ev.from_me
    tenant, session, at = env.tenant, env.session, env.occurred_at
    params = {
        "tenant": tenant,
        "session_id": session,
        "at": at,
        "message_id": ev.message_id,
        "chat_jid": ev.chat_jid,
        "sender_jid": ev.sender_phone_jid or ev.sender_jid,
        "sender_lid": ev.sender_lid,
        "from_me": from_me,
        "text": ev.text,
        "sent_at": ev.sent_at,
        "is_old": ev.is_old,
        "status": "sent" if from_me else "received",
        "rank": SENT_RANK if from_me else RECEIVED_RANK,
    }
    op: Op = "message.received_text"  # most messages: their statement sets fewer columns
    if ev.media_kind or ev.media or ev.reply_to or ev.location or ev.contact:
        op = "message.received"
        params["media_kind"] = ev.media_kind
        params.update(_media_params(ev.media))
        params["reply_to"] = ev.reply_to
        params.update(card_params(ev.location, ev.contact))
    message = RowChange(op, _message_key(env, ev.message_id), params)
    chat = chat_of_received(sequence, env, ev)
    if from_me:
        return [message, chat]
    by_lid = ev.sender_jid.endswith("@lid")
    lid = ev.sender_lid or (ev.sender_jid if by_lid else None)
    jid = ev.sender_phone_jid or (None if by_lid else ev.sender_jid)
    contact = jid or lid or ev.sender_jid
    contacts = contact_changes(tenant, session, at, contact, lid, None, ev.push_name, None)
    return [message, chat, *contacts]


def _media_params(media: MediaDescriptor | None) -> dict[str, object]:
    if media is None:
        return {"media": None, "media_status": None, "media_size": None, "media_sha256": None}
    return {
        "media": _media_json.encode(media).decode(),
        "media_status": "pending",
        "media_size": media.size,
        "media_sha256": media.sha256,
    }


def _send_failed(sequence: int, env: Envelope, ev: MessageSendFailed) -> list[RowChange]:
    base = {"tenant": env.tenant, "session_id": env.session, "at": env.occurred_at}
    final = not ev.will_retry
    params = {
        **base,
        "message_id": ev.message_id,
        "attempt": ev.attempt,
        "error": ev.error,
        "status": "failed" if final else "queued",
        "rank": STATUS_RANK["failed"] if final else -1,
    }
    record = {
        **base,
        "event_id": env.id,
        "sequence": sequence,
        "message_id": ev.message_id,
        "attempt": ev.attempt,
        "error": ev.error,
        "will_retry": ev.will_retry,
    }
    return [
        RowChange("message.send_failed", _message_key(env, ev.message_id), params),
        RowChange("message.failure_recorded", (("failure", env.id),), record),
    ]
