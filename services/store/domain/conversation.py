"""Projection rules for what is done to a message: reactions, edits, revokes. Pure."""

import msgspec

from contracts.conversation import ContactCard, Location
from contracts.envelope import Envelope
from contracts.events import MessageEdited, MessageReacted, MessageRevoked
from services.store.domain.changes import RowChange

__all__ = ["card_params", "conversation_changes"]

_json = msgspec.json.Encoder()


def card_params(location: Location | None, contact: ContactCard | None) -> dict[str, object]:
    """The columns of a shared location and a contact card (JSON, as the event carried them)."""
    return {
        "location": None if location is None else _json.encode(location).decode(),
        "contact": None if contact is None else _json.encode(contact).decode(),
    }


def conversation_changes(
    sequence: int, env: Envelope, ev: MessageReacted | MessageEdited | MessageRevoked
) -> list[RowChange]:
    key = (("message", env.tenant, env.session, ev.message_id),)
    base = {"tenant": env.tenant, "session_id": env.session, "message_id": ev.message_id}
    match ev:
        case MessageReacted() if ev.emoji:
            params = {**base, "sender_jid": ev.sender_jid, "from_me": ev.from_me,
                      "emoji": ev.emoji, "at": ev.reacted_at}  # fmt: skip
            return [RowChange("message.reacted", key, params)]
        case MessageReacted():
            return [RowChange("message.unreacted", key, {**base, "sender_jid": ev.sender_jid})]
        case MessageEdited():
            # only its author edits a message: ours (from_me), or theirs by the same sender
            author = None if ev.from_me else ev.sender_jid
            params = {**base, "event_id": env.id, "sequence": sequence, "text": ev.text,
                      "edited_at": ev.edited_at, "at": env.occurred_at, "from_me": ev.from_me,
                      "author": author}  # fmt: skip
            # two operations: a run executes each statement for all its changes in turn, so one
            # of two statements would see a later edit of the same batch before an earlier one
            return [
                RowChange("message.edit_recorded", key, params),
                RowChange("message.edited", key, params),
            ]
        case MessageRevoked():
            params = {**base, "revoked_at": ev.revoked_at, "at": env.occurred_at}
            return [RowChange("message.revoked", key, params)]
