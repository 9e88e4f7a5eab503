"""What a message may carry besides text and files, and what may be done to a sent one.

Shared by the commands, the events and the message view: a location, a contact card, the
message a reply quotes, and the actions on a message (react, edit, revoke)."""

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct

__all__ = [
    "ContactCard",
    "Edit",
    "Location",
    "MessageAction",
    "MessageRef",
    "Quote",
    "React",
    "Revoke",
]

Latitude = Annotated[float, Meta(ge=-90, le=90)]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Label = Annotated[str, Meta(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")]
Phone = Annotated[str, Meta(min_length=3, max_length=32, pattern=r"^\+?[0-9 ()\-.]+$")]


class Location(Struct, frozen=True, kw_only=True):
    """A pin on the map (WGS 84 degrees), with an optional place name and address."""

    latitude: Latitude
    longitude: Longitude
    name: Label | None = None
    address: Label | None = None


class ContactCard(Struct, frozen=True, kw_only=True):
    """A person's card, sent as a vCard; received cards keep the vCard WhatsApp carried."""

    name: Label
    phone: Phone
    vcard: str | None = None  # received: as sent; outgoing: built from name and phone


class Quote(Struct, frozen=True, kw_only=True):
    """The message a reply quotes, as WhatsApp needs it: its id, author and text."""

    message_id: str
    sender_jid: str | None = None  # None: our own message
    from_me: bool = False
    text: str | None = None


class MessageRef(Struct, frozen=True, kw_only=True):
    """The message an action is about, as the store knows it."""

    message_id: str
    chat_jid: str
    sender_jid: str | None = None  # None: our own message
    from_me: bool = False
    sent_at: datetime | None = None  # None: not sent yet
    kind: str | None = None  # its media kind (location, contact, image…); None: a text


class React(Struct, frozen=True, kw_only=True, tag="react"):
    emoji: str  # "" removes our reaction


class Edit(Struct, frozen=True, kw_only=True, tag="edit"):
    text: str


class Revoke(Struct, frozen=True, kw_only=True, tag="revoke"):
    """Delete for everyone."""


MessageAction = React | Edit | Revoke
