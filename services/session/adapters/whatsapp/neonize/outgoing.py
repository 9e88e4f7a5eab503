"""The WhatsApp ``Message`` protobufs of what we send besides plain text and files. Pure.

A reply quotes through ``ContextInfo`` (the quoted id, its author, its text); locations and
contact cards are messages of their own kinds; an edit and a revoke are protocol messages
built by neonize's own builders."""

from neonize.builder import build_edit, build_revoke
from neonize.proto.Neonize_pb2 import JID
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContactMessage,
    ContextInfo,
    ExtendedTextMessage,
    LocationMessage,
    Message,
)

from contracts.conversation import ContactCard, Location, Quote
from services.session.adapters.whatsapp.vcard import vcard_of

__all__ = [
    "card_message",
    "edit_message",
    "quoted",
    "revoke_message",
    "text_message",
    "with_context",
]

_MEDIA_FIELDS = ("imageMessage", "videoMessage", "audioMessage", "documentMessage",
                 "stickerMessage")  # fmt: skip


def quoted(quote: Quote | None, whatsapp_id: str, own_jid: str) -> ContextInfo | None:
    """The context of a reply to ``quote`` (WhatsApp's id for it: ``whatsapp_id``)."""
    if quote is None:
        return None
    author = own_jid if quote.from_me or quote.sender_jid is None else quote.sender_jid
    return ContextInfo(
        stanzaID=whatsapp_id,
        participant=author,
        quotedMessage=Message(conversation=quote.text or ""),
    )


def text_message(text: str, context: ContextInfo | None) -> Message:
    """A plain ``conversation``, or an extended text when it quotes (only those carry one)."""
    if context is None:
        return Message(conversation=text)
    return Message(extendedTextMessage=ExtendedTextMessage(text=text, contextInfo=context))


def with_context(message: Message, context: ContextInfo | None) -> Message:
    """A built file message quoting ``context`` (its kind's own ``contextInfo``)."""
    if context is not None:
        for field in _MEDIA_FIELDS:
            if message.HasField(field):
                getattr(message, field).contextInfo.MergeFrom(context)
    return message


def card_message(card: Location | ContactCard, context: ContextInfo | None) -> Message:
    if isinstance(card, Location):
        location = LocationMessage(
            degreesLatitude=card.latitude,
            degreesLongitude=card.longitude,
            name=card.name or "",
            address=card.address or "",
        )
        if context is not None:
            location.contextInfo.CopyFrom(context)
        return Message(locationMessage=location)
    contact = ContactMessage(displayName=card.name, vcard=card.vcard or vcard_of(card))
    if context is not None:
        contact.contextInfo.CopyFrom(context)
    return Message(contactMessage=contact)


def edit_message(chat: JID, whatsapp_id: str, text: str) -> Message:
    return build_edit(chat, whatsapp_id, Message(conversation=text))


def revoke_message(chat: JID, sender: JID, whatsapp_id: str, me: JID) -> Message:
    return build_revoke(chat, sender, whatsapp_id, me)
