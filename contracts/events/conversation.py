"""Events about what was done to a message: reactions, edits, deletions for everyone.

Each is a fact, recorded the same way whether it came from someone else, from our own phone
or from our API (``from_me``). Our own actions are first queued (``message.action_queued``,
paced like any send); once WhatsApp took one, its fact follows. ``message_id`` is always the
message acted on; ``action_id`` the id of the reaction, edit or revoke itself."""

from datetime import datetime

from msgspec import Struct

from contracts.conversation import MessageAction, MessageRef

__all__ = ["MessageActionQueued", "MessageEdited", "MessageReacted", "MessageRevoked"]


class MessageActionQueued(Struct, frozen=True, kw_only=True, tag="message.action_queued"):
    """We asked to react to, edit or revoke ``target``; sent by the outbox, paced."""

    action_id: str
    chat_jid: str
    target: MessageRef
    action: MessageAction


class MessageReacted(Struct, frozen=True, kw_only=True, tag="message.reacted"):
    """``sender_jid`` reacted with ``emoji`` (replacing their earlier one); "" removed it."""

    message_id: str
    chat_jid: str
    sender_jid: str
    from_me: bool = False
    emoji: str
    reacted_at: datetime
    action_id: str | None = None


class MessageEdited(Struct, frozen=True, kw_only=True, tag="message.edited"):
    """The message's author changed its text to ``text``."""

    message_id: str
    chat_jid: str
    sender_jid: str | None = None
    from_me: bool = False
    text: str
    edited_at: datetime
    action_id: str | None = None


class MessageRevoked(Struct, frozen=True, kw_only=True, tag="message.revoked"):
    """The message was deleted for everyone."""

    message_id: str
    chat_jid: str
    sender_jid: str | None = None
    from_me: bool = False
    revoked_at: datetime
    action_id: str | None = None
