"""What the simulated phone's side does to a message: a reaction, an edit, a revoke, each
delivered as WhatsApp delivers them, a message of its own that names the one acted on."""

import secrets
from datetime import UTC, datetime

from contracts.addresses import AddressKind, parse_address
from contracts.conversation import Edit, MessageAction, React, Revoke
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke
from services.session.adapters.whatsapp.port import IncomingMessage

__all__ = ["PhoneAction", "action_message"]

PhoneAction = SimReact | SimEdit | SimRevoke


def _action(req: PhoneAction) -> MessageAction:
    match req:
        case SimReact(emoji=emoji):
            return React(emoji=emoji)
        case SimEdit(text=text):
            return Edit(text=text)
        case SimRevoke():
            return Revoke()


def action_message(req: PhoneAction) -> IncomingMessage:
    """The message that carries the action; raises InvalidAddress for a bad sender."""
    sender = parse_address(req.sender)
    group = parse_address(req.group).jid if req.group else None
    phone_jid = sender.jid if sender.kind == AddressKind.USER else None
    return IncomingMessage(
        message_id="3EB0" + secrets.token_hex(8).upper(),
        chat_jid=group or sender.jid,
        sender_jid=sender.jid,
        sender_phone_jid=phone_jid,
        sender_lid=sender.jid if sender.kind == AddressKind.LID else None,
        is_group=group is not None,
        from_me=req.from_me,
        sent_at=datetime.now(UTC),
        target_id=req.message_id,
        action=_action(req),
    )
