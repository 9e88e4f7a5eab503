"""The message of a reaction, an edit or a revoke of ``target``, through neonize."""

from neonize.aioze.client import NewAClient
from neonize.proto.Neonize_pb2 import JID
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from contracts.conversation import Edit, MessageAction, MessageRef, React, Revoke
from services.session.adapters.whatsapp.neonize.jids import jid_from_str
from services.session.adapters.whatsapp.neonize.outgoing import edit_message, revoke_message
from services.session.adapters.whatsapp.port import SendFailed

__all__ = ["action_message"]


def _author(target: MessageRef, me: JID) -> JID:
    if target.from_me or target.sender_jid is None:
        return me
    return jid_from_str(target.sender_jid)


async def action_message(
    neo: NewAClient, target: MessageRef, action: MessageAction, whatsapp_id: str, me: JID
) -> Message:
    """``whatsapp_id``: WhatsApp's id of ``target`` (ours differ for what we sent); ``me``: our
    own JID. One Go call at most (a reaction's), so the Go maps' gate covers it whole."""
    try:
        chat = jid_from_str(target.chat_jid)
        author = _author(target, me)
    except ValueError as exc:
        raise SendFailed(str(exc), retryable=False) from exc
    match action:
        case React(emoji=emoji):
            return await neo.build_reaction(chat, author, whatsapp_id, emoji)
        case Edit(text=text):
            return edit_message(chat, whatsapp_id, text)
        case Revoke():
            return revoke_message(chat, author, whatsapp_id, me)
