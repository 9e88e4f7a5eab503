"""whatsmeow's UndecryptableMessage → a signal with the message's address. Pure."""

from datetime import datetime

from neonize.proto.Neonize_pb2 import UndecryptableMessage

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.jids import user_jid_str
from services.session.adapters.whatsapp.neonize.messages import from_timestamp
from services.session.adapters.whatsapp.port import Undecryptable

__all__ = ["undecryptable_signal"]


def undecryptable_signal(ev: UndecryptableMessage, *, now: datetime) -> s.NotDecrypted | None:
    """None for one of our own messages (another device of ours sent it) or no address."""
    info = ev.Info
    source = info.MessageSource
    chat = user_jid_str(source.Chat)
    sender = user_jid_str(source.Sender) or chat
    if chat is None or sender is None or not info.ID or source.IsFromMe:
        return None
    message = Undecryptable(
        message_id=info.ID,
        chat_jid=chat,
        sender_jid=sender,
        is_group=bool(source.IsGroup),
        sent_at=from_timestamp(info.Timestamp, now=now),
        unavailable=bool(ev.IsUnavailable),
    )
    return s.NotDecrypted(message=message)
