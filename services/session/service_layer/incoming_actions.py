"""A message that reacts to, edits or revokes another, as the fact it records. Pure."""

from contracts.conversation import MessageRef
from services.session.adapters.whatsapp.port import IncomingMessage
from services.session.domain.actions import Fact, fact_of, own_user_jid
from services.session.domain.session import Session

__all__ = ["action_fact"]


def action_fact(state: Session, message: IncomingMessage) -> Fact | None:
    """None for a plain message. The sender is one JID per person: the phone JID when known,
    and ours (without its device) for what our own phone did."""
    if message.action is None or message.target_id is None:
        return None
    sender = own_user_jid(state) if message.from_me else None
    sender = sender or message.sender_phone_jid or message.sender_jid
    target = MessageRef(message_id=message.target_id, chat_jid=message.chat_jid)
    return fact_of(message.action, target, sender_jid=sender, from_me=message.from_me,
                   at=message.sent_at, action_id=message.message_id)  # fmt: skip
