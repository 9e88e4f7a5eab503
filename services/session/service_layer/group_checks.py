"""What a group command names, checked before anything is asked of WhatsApp: people are
phone numbers, user JIDs or LIDs (at least one), a group is a group JID, a subject fits."""

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.commands import Refused
from contracts.groups import CreateGroup, GroupCommand, UpdateGroupParticipants

__all__ = ["MAX_PARTICIPANTS", "MAX_SUBJECT", "Invalid", "checked"]

MAX_PARTICIPANTS = 256  # per call; WhatsApp's own group limit is higher
MAX_SUBJECT = 100  # WhatsApp's limit on a group's subject


class Invalid(Exception):
    def __init__(self, refused: Refused) -> None:
        self.refused = refused


def _address(text: str, region: str, kinds: tuple[AddressKind, ...], field: str) -> str:
    try:
        address = parse_address(text, region)
    except InvalidAddress as exc:
        details: dict[str, str | int] = {"reason": exc.reason, "field": field}
        refused = Refused(code="invalid_address", message=exc.message, details=details)
        raise Invalid(refused) from exc
    if address.kind not in kinds:
        message = f"{text!r} is not a {'group' if AddressKind.GROUP in kinds else 'person'}"
        details = {"reason": "wrong_kind", "field": field}
        raise Invalid(Refused(code="invalid_address", message=message, details=details))
    return address.jid


def _people(texts: list[str], region: str) -> list[str]:
    if not texts or len(texts) > MAX_PARTICIPANTS:
        message = f"participants: between 1 and {MAX_PARTICIPANTS} addresses"
        details: dict[str, str | int] = {"field": "participants", "max": MAX_PARTICIPANTS}
        raise Invalid(Refused(code="validation_failed", message=message, details=details))
    kinds = (AddressKind.USER, AddressKind.LID)
    jids = [_address(t, region, kinds, "participants") for t in texts]
    return list(dict.fromkeys(jids))  # one result per person, asked once


def checked(cmd: GroupCommand, region: str) -> tuple[list[str], str]:
    """(the people's JIDs, the group's JID: "" for a new group); raises Invalid."""
    people = (
        _people(cmd.participants, region)
        if isinstance(cmd, CreateGroup | UpdateGroupParticipants)
        else []
    )
    if isinstance(cmd, CreateGroup):
        if not 0 < len(cmd.subject.strip()) <= MAX_SUBJECT:
            message = f"a subject of 1 to {MAX_SUBJECT} characters"
            details: dict[str, str | int] = {"field": "subject", "max": MAX_SUBJECT}
            raise Invalid(Refused(code="validation_failed", message=message, details=details))
        return people, ""
    return people, _address(cmd.group_jid, region, (AddressKind.GROUP,), "group")
