"""WhatsApp addresses, parsed (never scrubbed): phone numbers, user/device JIDs, LIDs, groups,
broadcasts and newsletters. Anything else is refused with an error that names the problem."""

import re
from enum import StrEnum

from msgspec import Struct

try:
    import phonenumbers
except ImportError as exc:  # the standalone wa-contracts package makes it an extra
    raise ImportError(
        "contracts.addresses needs the phonenumbers library: pip install 'wa-contracts[addresses]'"
    ) from exc

__all__ = ["Address", "AddressKind", "InvalidAddress", "parse_address"]

USER_SERVER = "s.whatsapp.net"
_SERVERS = {"s.whatsapp.net", "c.us", "lid", "g.us", "broadcast", "newsletter"}
# each is used with fullmatch: "$" would also match before a final newline
_PHONE_CHARS = re.compile(r"\+?[0-9 ()./-]+")
_DIGITS = re.compile(r"[0-9]+")
_LEGACY_GROUP = re.compile(r"[0-9]{5,15}-[0-9]{9,11}")


class AddressKind(StrEnum):
    USER = "user"
    LID = "lid"
    GROUP = "group"
    STATUS = "status"
    BROADCAST = "broadcast"
    NEWSLETTER = "newsletter"


class Address(Struct, frozen=True, kw_only=True):
    kind: AddressKind
    jid: str
    device: int | None = None
    phone_number: str | None = None


class InvalidAddress(ValueError):
    """An address that is none of the recognised forms; ``reason`` is a stable code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def parse_address(text: str, default_region: str = "EG") -> Address:
    """Recognise ``text`` as one WhatsApp address form, or raise InvalidAddress."""
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        raise InvalidAddress("empty", "the address is empty")
    if "@" in value:
        return _parse_jid(value)
    return _parse_phone(value, default_region)


def _parse_jid(value: str) -> Address:
    user, _, server = value.partition("@")
    server = server.lower()
    if "@" in server:
        raise InvalidAddress("malformed_jid", f"{value!r} has more than one '@'")
    if server not in _SERVERS:
        raise InvalidAddress("unknown_server", f"{server!r} is not a WhatsApp server")
    if not user:
        raise InvalidAddress("malformed_jid", f"{value!r} has nothing before '@'")
    if server in ("s.whatsapp.net", "c.us", "lid"):
        return _parse_user_jid(user, "lid" if server == "lid" else USER_SERVER)
    if server == "g.us":
        modern = _DIGITS.fullmatch(user) and 10 <= len(user) <= 25
        if not modern and not _LEGACY_GROUP.fullmatch(user):
            raise InvalidAddress("invalid_group", f"{user!r} is not a group id")
        return Address(kind=AddressKind.GROUP, jid=f"{user}@g.us")
    if server == "broadcast":
        if user == "status":
            return Address(kind=AddressKind.STATUS, jid="status@broadcast")
        if not _DIGITS.fullmatch(user):
            raise InvalidAddress("invalid_broadcast", f"{user!r} is not a broadcast list id")
        return Address(kind=AddressKind.BROADCAST, jid=f"{user}@broadcast")
    if not (_DIGITS.fullmatch(user) and 5 <= len(user) <= 25):
        raise InvalidAddress("invalid_newsletter", f"{user!r} is not a newsletter id")
    return Address(kind=AddressKind.NEWSLETTER, jid=f"{user}@newsletter")


def _parse_user_jid(user: str, server: str) -> Address:
    user, colon, device_text = user.partition(":")
    device = None
    if colon:
        if not _DIGITS.fullmatch(device_text) or int(device_text) > 999:
            raise InvalidAddress("invalid_device", f"{device_text!r} is not a device number")
        device = int(device_text)
    user = user.split(".", 1)[0]  # an agent suffix (``user.0:12``) is not part of the user
    if server == "lid":
        if not (_DIGITS.fullmatch(user) and 5 <= len(user) <= 20):
            raise InvalidAddress("invalid_lid", f"{user!r} is not a linked-device id")
        return Address(kind=AddressKind.LID, jid=f"{user}@lid", device=device)
    if not _DIGITS.fullmatch(user):
        raise InvalidAddress("invalid_jid_user", f"{user!r} must be the digits of a phone number")
    number = _number_or_none("+" + user)
    if number is None or not phonenumbers.is_possible_number(number):
        raise InvalidAddress("invalid_phone_number", f"+{user} is not a possible phone number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Address(kind=AddressKind.USER, jid=f"{user}@{server}", device=device, phone_number=e164)


def _parse_phone(value: str, region: str) -> Address:
    if not _PHONE_CHARS.fullmatch(value):
        raise InvalidAddress(
            "not_an_address", f"{value!r} is neither a phone number nor a WhatsApp JID"
        )
    compact = re.sub(r"[ ()./-]", "", value)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    candidates: list[tuple[str, str | None]]
    if compact.startswith("+"):
        candidates = [(compact, None)]
    elif compact.startswith("0"):
        candidates = [(compact, region)]
    else:
        candidates = [("+" + compact, None), (compact, region)]
    for candidate, cand_region in candidates:
        number = _number_or_none(candidate, cand_region)
        if number is not None and phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return Address(
                kind=AddressKind.USER, jid=f"{e164[1:]}@{USER_SERVER}", phone_number=e164
            )
    if compact.startswith("+"):
        where = ""
    elif len(candidates) == 1:
        where = f" (read as local to {region})"
    else:
        where = f" (read as international, or as local to {region})"
    raise InvalidAddress("invalid_phone_number", f"{value!r} is not a valid phone number{where}")


def _number_or_none(text: str, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
