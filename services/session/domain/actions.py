"""Decisions about actions on a message (react, edit, revoke): queued, then their fact."""

from datetime import datetime, timedelta

from contracts.conversation import Edit, MessageAction, MessageRef, React, Revoke
from contracts.emoji import is_single_emoji
from contracts.events import (
    Event,
    MessageActionQueued,
    MessageEdited,
    MessageReacted,
    MessageRevoked,
)
from services.session.domain.errors import Refusal
from services.session.domain.session import PendingSend, Session

__all__ = ["Fact", "action_done", "fact_of", "own_user_jid", "queue_action"]


def own_user_jid(s: Session) -> str:
    """Our own JID without its device part (``2010…:7@s.whatsapp.net`` → ``2010…@…``)."""
    jid = s.jid or "me"
    user, _, server = jid.partition("@")
    return f"{user.split(':', 1)[0]}@{server}" if server else jid


def _check(
    target: MessageRef, action: MessageAction, now: datetime, edit_window: timedelta
) -> None:
    match action:
        case React(emoji=emoji) if emoji and not is_single_emoji(emoji):
            raise Refusal("invalid_emoji", "a reaction is one emoji, or empty to remove it")
        case Edit() | Revoke() if not target.from_me:
            raise Refusal("not_own_message", "only our own messages can be edited or revoked")
        case Edit() if target.kind is not None:
            raise Refusal("not_editable", "only a text message can be edited")
        case Edit(text=text) if not text.strip():
            raise Refusal("invalid_text", "the text is empty or only whitespace")
        case _:
            pass
    if target.from_me and target.sent_at is None:
        raise Refusal("not_sent", "the message was not sent (yet); nothing can be done to it")
    late = target.sent_at is not None and now - target.sent_at > edit_window
    if isinstance(action, Edit) and late:
        raise Refusal("edit_window_passed", "WhatsApp no longer allows editing this message")


def queue_action(
    s: Session,
    *,
    action_id: str,
    target: MessageRef,
    action: MessageAction,
    now: datetime,
    edit_window: timedelta,
) -> list[Event]:
    if s.status == "deleted":
        raise Refusal("not_found", "no such session")
    _check(target, action, now, edit_window)
    if s.status != "connected":
        raise Refusal("not_connected", f"the session is {s.status}; nothing was sent")
    queued = MessageActionQueued(
        action_id=action_id, chat_jid=target.chat_jid, target=target, action=action
    )
    return [queued]


Fact = MessageReacted | MessageEdited | MessageRevoked


def fact_of(
    action: MessageAction, target: MessageRef, *, sender_jid: str, from_me: bool,
    at: datetime, action_id: str,
) -> Fact:  # fmt: skip
    """What an action on ``target`` records, whoever did it."""
    message_id, chat_jid = target.message_id, target.chat_jid
    match action:
        case React(emoji=emoji):
            return MessageReacted(
                message_id=message_id, chat_jid=chat_jid, sender_jid=sender_jid,
                from_me=from_me, emoji=emoji, reacted_at=at, action_id=action_id,
            )  # fmt: skip
        case Edit(text=text):
            return MessageEdited(
                message_id=message_id, chat_jid=chat_jid, sender_jid=sender_jid,
                from_me=from_me, text=text, edited_at=at, action_id=action_id,
            )  # fmt: skip
        case Revoke():
            return MessageRevoked(
                message_id=message_id, chat_jid=chat_jid, sender_jid=sender_jid,
                from_me=from_me, revoked_at=at, action_id=action_id,
            )  # fmt: skip


def action_done(s: Session, item: PendingSend, now: datetime) -> list[Event]:
    """The fact of an action WhatsApp took (an item with ``target`` and ``action``)."""
    if item.target is None or item.action is None:
        return []
    me = own_user_jid(s)
    return [fact_of(item.action, item.target, sender_jid=me, from_me=True, at=now,
                    action_id=item.message_id)]  # fmt: skip
