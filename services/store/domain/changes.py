"""Row changes: what the projection rules ask of the tables, independent of any database."""

from typing import Any, Literal, NamedTuple

__all__ = ["Op", "RowChange"]

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


class RowChange(NamedTuple):
    """One parametrised row operation, and what batching needs to keep the outcome of one by
    one: ``keys`` name every row it may touch; ``follows``, keys it only has to stay after
    (and before) the changes touching them, without being ordered against the others that
    follow them too. A change reaching rows it cannot name (found through a LID) touches a
    session-wide key that the changes of those rows follow."""

    op: Op
    keys: tuple[tuple[str, ...], ...]
    params: dict[str, Any]
    follows: tuple[tuple[str, ...], ...] = ()
