"""Row changes: what the projection rules ask of the tables, independent of any database."""

from typing import Any, Literal, NamedTuple

__all__ = ["WIDE", "Op", "RowChange"]

Op = Literal[
    "tenant.seen",
    "session.created",
    "session.pairing",
    "session.pairing_failed",
    "session.connected",
    "session.disconnected",
    "session.disconnect_recorded",
    "session.logged_out",
    "session.deleted",
    "message.received",
    "message.received_text",
    "message.queued",
    "message.sent",
    "message.send_failed",
    "message.failure_recorded",
    "message.status",
    "message.media_stored",
    "message.media_failed",
    "message.reacted",
    "message.unreacted",
    "message.edit_recorded",
    "message.edited",
    "message.revoked",
    "contact.by_phone",
    "contact.linked",
    "contact.by_lid",
    "chat.message",
    "chat.message_with_lid",
    "chat.message_lid",
    "chat.linked",
    "chat.read",
    "chat.read_lid",
    "session.options",
    "reminder.scheduled",
    "reminder.rescheduled",
    "reminder.changed",
    "reminder.history",
    "appointment.scheduled",
    "appointment.moved",
    "appointment.cancelled",
    "group.snapshot",
    "group.participant_set",
    "group.participant_added",
    "group.participant_removed",
    "group.participant_role",
    "group.touched",
    "group.subject",
    "group.description",
    "group.left",
]


# Changes by LID that reach a row keyed by a phone JID they cannot name: a message by LID
# alone renames the contact linked to that LID; a chat change by LID lands in the chat of
# its phone JID. A batch keeps every other change on its side of them (batching.py).
WIDE: frozenset[Op] = frozenset({"contact.by_lid", "chat.message_lid", "chat.read_lid"})


class RowChange(NamedTuple):
    """One parametrised row operation. ``keys`` name every row it may touch (for batching)."""

    op: Op
    keys: tuple[tuple[str, ...], ...]
    params: dict[str, Any]
