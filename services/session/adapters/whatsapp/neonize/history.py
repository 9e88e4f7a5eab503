"""History sync → late messages and contacts. Pure: protobuf in, typed values out."""

from datetime import datetime

from neonize.proto.Neonize_pb2 import HistorySync as HistorySyncEvent
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import Conversation
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.content import content_of
from services.session.adapters.whatsapp.neonize.messages import from_timestamp
from services.session.adapters.whatsapp.port import ContactInfo, IncomingMessage

__all__ = ["history_signals"]


def _bare(jid: str) -> str:
    """``user[:device]@server`` → ``user@server``."""
    user, _, server = jid.partition("@")
    return f"{user.split(':', 1)[0].split('.', 1)[0]}@{server}" if server else jid


def _split(jid: str) -> tuple[str | None, str | None]:
    if not jid:
        return None, None
    return (None, _bare(jid)) if jid.endswith("@lid") else (_bare(jid), None)


def _message(
    conv: Conversation, web: WebMessageInfo, own_jid: str | None, now: datetime
) -> IncomingMessage | None:
    chat = conv.ID
    content = content_of(web.message)
    if content is None or not web.key.ID:
        return None
    is_group = chat.endswith("@g.us")
    from_me = bool(web.key.fromMe)
    participant = web.key.participant or web.participant
    sender = (own_jid or chat) if from_me else (participant if is_group else chat) or chat
    phone, lid = _split(sender)
    if not is_group and not from_me:  # the person's chat: both its addresses, when given
        phone = phone or (_bare(conv.pnJID) if conv.pnJID else None)
        lid = lid or (_bare(conv.lidJID) if conv.lidJID else None)
    return IncomingMessage(
        message_id=web.key.ID,
        chat_jid=_bare(chat),
        sender_jid=_bare(sender),
        sender_phone_jid=phone,
        sender_lid=lid,
        push_name=web.pushName or None,
        is_group=is_group,
        from_me=from_me,
        text=content[0],
        media_kind=content[1],
        sent_at=from_timestamp(web.messageTimestamp, now=now),
        is_offline=True,
    )


def _conversation_contact(conv: Conversation) -> s.ContactLearned | None:
    if not (conv.pnJID and conv.lidJID):
        return None
    contact = ContactInfo(jid=_bare(conv.pnJID), lid=_bare(conv.lidJID))
    return s.ContactLearned(contact=contact)


def history_signals(ev: HistorySyncEvent, *, own_jid: str | None, now: datetime) -> list[s.Signal]:
    """Every message in the sync (all flagged late), push names and phone ↔ LID links."""
    data = ev.Data
    out: list[s.Signal] = []
    for mapping in data.phoneNumberToLidMappings:
        if mapping.pnJID and mapping.lidJID:
            link = ContactInfo(jid=_bare(mapping.pnJID), lid=_bare(mapping.lidJID))
            out.append(s.ContactLearned(contact=link))
    for pushname in data.pushnames:
        phone, lid = _split(pushname.ID)
        jid = phone or lid
        if jid and pushname.pushname:
            named = ContactInfo(jid=jid, lid=lid, push_name=pushname.pushname)
            out.append(s.ContactLearned(contact=named))
    for conv in data.conversations:
        linked = _conversation_contact(conv)
        if linked:
            out.append(linked)
        for item in conv.messages:
            message = _message(conv, item.message, own_jid, now)
            if message is not None:
                out.append(s.MessageArrived(message=message))
    return out
