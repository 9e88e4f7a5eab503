"""What the simulated phone's side sends: a message (text, location, contact card, a reply),
or a reaction, an edit, a revoke, each a message of its own naming the one acted on."""

import secrets
from datetime import UTC, datetime, timedelta

from contracts.addresses import AddressKind, parse_address
from contracts.conversation import Edit, MessageAction, React, Revoke
from contracts.simulator import SimIncoming
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke
from services.session.adapters.whatsapp.port import IncomingMessage
from services.session.adapters.whatsapp.vcard import card_with_vcard

__all__ = ["PhoneAction", "action_message", "incoming_message"]

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


def incoming_message(req: SimIncoming) -> IncomingMessage:
    """Build what WhatsApp would deliver; raises InvalidAddress for a bad sender."""
    sender = parse_address(req.sender)
    phone_jid = parse_address(req.sender_phone).jid if req.sender_phone else None
    if sender.kind == AddressKind.USER:
        phone_jid = sender.jid
    lid = sender.jid if sender.kind == AddressKind.LID else None
    group = parse_address(req.group).jid if req.group else None
    now = datetime.now(UTC)
    return IncomingMessage(
        message_id=req.message_id or "3EB0" + secrets.token_hex(8).upper(),
        chat_jid=group or sender.jid,
        sender_jid=sender.jid,
        sender_phone_jid=phone_jid,
        sender_lid=lid,
        push_name=req.push_name,
        is_group=group is not None,
        from_me=req.from_me,
        text=req.text or None,
        sent_at=now - timedelta(hours=1) if req.old else now,
        is_offline=req.old,
        reply_to=req.reply_to,
        location=req.location,
        contact=card_with_vcard(req.contact) if req.contact else None,
    )
