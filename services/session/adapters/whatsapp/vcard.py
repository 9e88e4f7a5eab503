"""A contact card as the vCard 3.0 WhatsApp sends, and the phone number read back out. Pure."""

import re

from contracts.conversation import ContactCard

__all__ = ["card_with_vcard", "phone_of_vcard", "vcard_of"]

_TEL = re.compile(r"^TEL[^:]*:(.+)$", re.MULTILINE | re.IGNORECASE)


def _escaped(value: str) -> str:
    return re.sub(r"([\\,;])", r"\\\1", value).replace("\n", "\\n")


def vcard_of(card: ContactCard) -> str:
    """``waid`` lets WhatsApp show the "message" button for a number on WhatsApp."""
    digits = "".join(ch for ch in card.phone if ch.isdigit())
    return (
        "BEGIN:VCARD\nVERSION:3.0\n"
        f"FN:{_escaped(card.name)}\n"
        f"TEL;type=CELL;type=VOICE;waid={digits}:+{digits}\n"
        "END:VCARD"
    )


def card_with_vcard(card: ContactCard) -> ContactCard:
    return ContactCard(name=card.name, phone=card.phone, vcard=card.vcard or vcard_of(card))


def phone_of_vcard(vcard: str) -> str:
    """The first TEL of a vCard, as written there ("" when it has none)."""
    match = _TEL.search(vcard.replace("\r\n", "\n"))
    return match.group(1).strip() if match else ""
