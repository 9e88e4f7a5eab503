"""What a received ``Message`` protobuf says besides its text: the message it quotes, a
location, a contact card, or an action on another message (reaction, edit, revoke). Pure."""

from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message, ProtocolMessage

from contracts.conversation import ContactCard, Edit, Location, MessageAction, React, Revoke
from services.session.adapters.whatsapp.neonize.content import unwrap
from services.session.adapters.whatsapp.vcard import phone_of_vcard

__all__ = ["action_of", "contact_of", "location_of", "quoted_id"]


def _protocol(message: Message) -> ProtocolMessage | None:
    if message.HasField("protocolMessage"):
        return message.protocolMessage
    inner = message.editedMessage.message  # an edit, as whatsmeow may leave it wrapped
    if message.HasField("editedMessage") and inner.HasField("protocolMessage"):
        return inner.protocolMessage
    return None


def _edited_text(edited: Message) -> str:
    if edited.HasField("extendedTextMessage"):
        return str(edited.extendedTextMessage.text)
    for field in ("imageMessage", "videoMessage", "documentMessage"):
        if edited.HasField(field):
            return str(getattr(edited, field).caption)
    return str(edited.conversation)


def action_of(message: Message) -> tuple[str, MessageAction] | None:
    """(the id of the message acted on, the action); None for anything else."""
    message = unwrap(message)
    if message.HasField("reactionMessage"):
        reaction = message.reactionMessage
        return (reaction.key.ID, React(emoji=reaction.text)) if reaction.key.ID else None
    protocol = _protocol(message)
    if protocol is None or not protocol.key.ID:
        return None
    if protocol.type == ProtocolMessage.REVOKE:
        return protocol.key.ID, Revoke()
    if protocol.type == ProtocolMessage.MESSAGE_EDIT:
        return protocol.key.ID, Edit(text=_edited_text(protocol.editedMessage))
    return None


def quoted_id(message: Message) -> str | None:
    """The id in the ``ContextInfo`` of whichever part carries one (a reply's quote)."""
    message = unwrap(message)
    for field, value in message.ListFields():
        names = field.message_type.fields_by_name if field.message_type else {}
        if "contextInfo" in names and value.HasField("contextInfo"):
            return value.contextInfo.stanzaID or None
    return None


def location_of(message: Message) -> Location | None:
    message = unwrap(message)
    for field in ("locationMessage", "liveLocationMessage"):
        if message.HasField(field):
            pin = getattr(message, field)
            return Location(
                latitude=pin.degreesLatitude,
                longitude=pin.degreesLongitude,
                name=getattr(pin, "name", "") or None,
                address=getattr(pin, "address", "") or None,
            )
    return None


def contact_of(message: Message) -> ContactCard | None:
    """The card (the first of several), its phone read from the vCard's first TEL."""
    message = unwrap(message)
    card = message.contactMessage
    if not message.HasField("contactMessage"):
        if not message.contactsArrayMessage.contacts:
            return None
        card = message.contactsArrayMessage.contacts[0]
    phone = phone_of_vcard(card.vcard)
    return ContactCard(name=card.displayName or phone or "?", phone=phone, vcard=card.vcard or None)
