"""Message and receipt events → signals. Pure: protobuf in, typed values out."""

from datetime import UTC, datetime, timedelta

from neonize.proto.Neonize_pb2 import JID, MessageSource, Receipt
from neonize.proto.Neonize_pb2 import Message as MessageEvent

from contracts.events.message import DeliveryStatus
from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.content import content_of
from services.session.adapters.whatsapp.neonize.conversation_in import (
    action_of,
    contact_of,
    location_of,
    quoted_id,
)
from services.session.adapters.whatsapp.neonize.jids import LID_SERVER, user_jid_str
from services.session.adapters.whatsapp.neonize.media_in import received_file
from services.session.adapters.whatsapp.port import ContactInfo, IncomingMessage

__all__ = ["from_timestamp", "message_signals", "person_jids", "receipt_signal"]

_STATUS: dict[int, DeliveryStatus] = {
    Receipt.DELIVERED: "delivered",
    Receipt.READ: "read",
    Receipt.PLAYED: "played",
}


def from_timestamp(value: int, *, now: datetime) -> datetime:
    """neonize sends message times in milliseconds (receipts and history in seconds)."""
    if value <= 0:
        return now
    seconds = value / 1000 if value > 100_000_000_000 else float(value)
    return datetime.fromtimestamp(seconds, UTC)


def person_jids(primary: JID, alternate: JID) -> tuple[str | None, str | None]:
    """(phone JID, LID) of one person from whatsmeow's address and its ``…Alt`` twin."""
    phone: str | None = None
    lid: str | None = None
    for jid in (primary, alternate):
        text = user_jid_str(jid)
        if text is None:
            continue
        if jid.Server == LID_SERVER:
            lid = lid or text
        elif jid.Server in ("s.whatsapp.net", "c.us"):
            phone = phone or text
    return phone, lid


def _contact(source: MessageSource, push_name: str | None) -> s.ContactLearned | None:
    if source.IsFromMe:  # our own message in a person's chat: its two addresses, if given
        phone, lid = person_jids(source.Chat, source.RecipientAlt)
        if source.IsGroup or phone is None or lid is None:
            return None
        return s.ContactLearned(contact=ContactInfo(jid=phone, lid=lid))
    contact = ContactInfo.of_sender(*person_jids(source.Sender, source.SenderAlt), push_name)
    return None if contact is None else s.ContactLearned(contact=contact)


def message_signals(
    ev: MessageEvent, *, now: datetime, in_offline_sync: bool, late_after: timedelta
) -> list[s.Signal]:
    """A message (flagged late when synced offline, re-requested, or old). Its sender's
    contact is learned from the message itself (session service_layer/sink.py); a contact is
    a signal of its own only where no message carries it: our own message's recipient, or a
    sender of plumbing (no content)."""
    info = ev.Info
    source = info.MessageSource
    chat = user_jid_str(source.Chat)
    sender = user_jid_str(source.Sender) or chat
    content = content_of(ev.Message)
    if chat is None or sender is None or not info.ID:
        return []
    push_name = info.Pushname or None
    contact = _contact(source, push_name)
    action = action_of(ev.Message)
    if content is None and action is None:
        return [contact] if contact else []
    linked: list[s.Signal] = [contact] if contact and source.IsFromMe else []
    sent_at = from_timestamp(info.Timestamp, now=now)
    phone, lid = person_jids(source.Sender, source.SenderAlt)
    if action is not None:  # a reaction, an edit or a revoke of ``action[0]``
        acted = IncomingMessage(
            message_id=info.ID, chat_jid=chat, sender_jid=sender, sender_phone_jid=phone,
            sender_lid=lid, push_name=push_name, is_group=bool(source.IsGroup),
            from_me=bool(source.IsFromMe), sent_at=sent_at, target_id=action[0],
            action=action[1],
        )  # fmt: skip
        return [s.MessageArrived(message=acted), *linked]
    assert content is not None
    late = in_offline_sync or bool(ev.UnavailableRequestID) or now - sent_at > late_after
    file = received_file(ev.Message)
    message = IncomingMessage(
        message_id=info.ID,
        chat_jid=chat,
        sender_jid=sender,
        sender_phone_jid=phone,
        sender_lid=lid,
        push_name=push_name,
        is_group=bool(source.IsGroup),
        from_me=bool(source.IsFromMe),
        text=content[0],
        media_kind=file[0].kind if file else content[1],
        sent_at=sent_at,
        is_offline=late,
        media=file[0] if file else None,
        media_ref=file[1] if file else b"",
        reply_to=quoted_id(ev.Message),
        location=location_of(ev.Message),
        contact=contact_of(ev.Message),
    )
    return [s.MessageArrived(message=message), *linked]


def receipt_signal(ev: Receipt) -> s.ReceiptArrived | None:
    """Delivered / read / played receipts from the other side; our own devices' are ignored."""
    status = _STATUS.get(ev.Type) if ev.HasField("Type") else None
    source = ev.MessageSource
    chat = user_jid_str(source.Chat)
    if status is None or chat is None or source.IsFromMe or not ev.MessageIDs:
        return None
    return s.ReceiptArrived(chat_jid=chat, whatsapp_ids=list(ev.MessageIDs), status=status)
