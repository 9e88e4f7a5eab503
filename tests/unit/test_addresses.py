"""Every address form: recognised exactly, or refused with a reason that names the problem."""

import pytest

from contracts.addresses import AddressKind, InvalidAddress, parse_address

U, L, G = AddressKind.USER, AddressKind.LID, AddressKind.GROUP
ACCEPTED = [
    # international phone numbers, in the forms people type
    ("+20 123 456 7890", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("+201234567890", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("00201234567890", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("201234567890", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("+20 (123) 456-7890", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("+20.123.456.7890", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("  +201234567890  ", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("+1 650 253 0000", U, "16502530000@s.whatsapp.net", "+16502530000"),
    ("+44 20 7946 0958", U, "442079460958@s.whatsapp.net", "+442079460958"),
    ("+971 50 123 4567", U, "971501234567@s.whatsapp.net", "+971501234567"),
    ("+49 1512 3456789", U, "4915123456789@s.whatsapp.net", "+4915123456789"),
    ("+966 50 123 4567", U, "966501234567@s.whatsapp.net", "+966501234567"),
    # local numbers, read with the default region (Egypt)
    ("01123087745", U, "201123087745@s.whatsapp.net", "+201123087745"),
    ("0112 308 7745", U, "201123087745@s.whatsapp.net", "+201123087745"),
    ("01012345678", U, "201012345678@s.whatsapp.net", "+201012345678"),
    ("01512345678", U, "201512345678@s.whatsapp.net", "+201512345678"),
    # user JIDs, legacy c.us, and device-suffixed JIDs
    ("201234567890@s.whatsapp.net", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("201234567890@S.WHATSAPP.NET", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("201234567890@c.us", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("201234567890:12@s.whatsapp.net", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("201234567890:0@s.whatsapp.net", U, "201234567890@s.whatsapp.net", "+201234567890"),
    ("201234567890.0:3@s.whatsapp.net", U, "201234567890@s.whatsapp.net", "+201234567890"),
    # linked-device ids
    ("123456789012345@lid", L, "123456789012345@lid", None),
    ("123456789012345:7@lid", L, "123456789012345@lid", None),
    # groups, broadcasts, newsletters
    ("120363025246125486@g.us", G, "120363025246125486@g.us", None),
    ("201234567890-1541234567@g.us", G, "201234567890-1541234567@g.us", None),
    ("status@broadcast", AddressKind.STATUS, "status@broadcast", None),
    ("1541234567@broadcast", AddressKind.BROADCAST, "1541234567@broadcast", None),
    (
        "120363025246125486@newsletter",
        AddressKind.NEWSLETTER,
        "120363025246125486@newsletter",
        None,
    ),
]

REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("hello", "not_an_address"),
    ("+20abc1234567", "not_an_address"),
    ("12", "invalid_phone_number"),
    ("+999 123 456", "invalid_phone_number"),
    ("0000000", "invalid_phone_number"),
    ("+20 12 3", "invalid_phone_number"),
    ("20+1234567890", "not_an_address"),
    ("201234567890@example.com", "unknown_server"),
    ("201234567890@", "unknown_server"),
    ("@s.whatsapp.net", "malformed_jid"),
    ("a@b@s.whatsapp.net", "malformed_jid"),
    ("abc@s.whatsapp.net", "invalid_jid_user"),
    ("20123456789x@s.whatsapp.net", "invalid_jid_user"),
    ("201234567890:x@s.whatsapp.net", "invalid_device"),
    ("201234567890:1234@s.whatsapp.net", "invalid_device"),
    ("999@s.whatsapp.net", "invalid_phone_number"),
    ("abc@lid", "invalid_lid"),
    ("12@lid", "invalid_lid"),
    ("not-a-group@g.us", "invalid_group"),
    ("123@g.us", "invalid_group"),
    ("abc@broadcast", "invalid_broadcast"),
    ("news@newsletter", "invalid_newsletter"),
    # a newline before the server: "$" alone would let each of these through
    ("201000000055\n@s.whatsapp.net", "invalid_jid_user"),
    ("201234567890:12\n@s.whatsapp.net", "invalid_device"),
    ("123456789012345\n@lid", "invalid_lid"),
    ("120363025246125486\n@g.us", "invalid_group"),
    ("201234567890-1541234567\n@g.us", "invalid_group"),
    ("1541234567\n@broadcast", "invalid_broadcast"),
    ("120363025246125486\n@newsletter", "invalid_newsletter"),
]


@pytest.mark.parametrize(("text", "kind", "jid", "phone"), ACCEPTED)
def test_accepted(text: str, kind: AddressKind, jid: str, phone: str | None) -> None:
    address = parse_address(text, default_region="EG")
    assert (address.kind, address.jid, address.phone_number) == (kind, jid, phone)


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refused_with_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidAddress) as caught:
        parse_address(text, default_region="EG")
    assert caught.value.reason == reason
    assert caught.value.message


def test_device_is_kept_apart_from_the_jid() -> None:
    assert parse_address("201234567890:12@s.whatsapp.net").device == 12


def test_default_region_changes_how_local_numbers_read() -> None:
    assert parse_address("07400 123456", default_region="GB").phone_number == "+447400123456"
    with pytest.raises(InvalidAddress) as caught:
        parse_address("07400 123456", default_region="EG")
    assert "local to EG" in caught.value.message


def test_table_is_large_enough() -> None:
    assert len(ACCEPTED) + len(REFUSED) >= 40
