"""A message that reached the number but could not be read: the fact, never its content."""

from datetime import datetime

from msgspec import Struct

__all__ = ["MessageUndecryptable"]


class MessageUndecryptable(Struct, frozen=True, kw_only=True, tag="message.undecryptable"):
    """This device could not decrypt a message (or the phone has not shared it yet:
    ``unavailable``). WhatsApp is asked to send it again; if that works a ``message.received``
    with the same ``message_id`` follows. Until then the sender may need to be asked."""

    message_id: str
    chat_jid: str
    sender_jid: str
    is_group: bool = False
    sent_at: datetime
    unavailable: bool = False
