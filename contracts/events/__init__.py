"""Every event of the log, as one tagged union, with the schema version of each type."""

from typing import get_args

from contracts.events.chat import ChatRead, SessionOptionsChanged
from contracts.events.contact import ContactUpdated
from contracts.events.media import MessageMediaFailed, MessageMediaStored
from contracts.events.message import (
    MessageQueued,
    MessageReceived,
    MessageSendFailed,
    MessageSent,
    MessageStatus,
)
from contracts.events.reminder import (
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentScheduled,
    ReminderCancelled,
    ReminderDeferred,
    ReminderDispatched,
    ReminderFailed,
    ReminderRescheduled,
    ReminderScheduled,
    ReminderSent,
)
from contracts.events.session import (
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
    SessionPairingFailed,
    SessionPairingStarted,
    SessionReconnectRequested,
)

__all__ = [
    "CURRENT_VERSIONS",
    "EVENT_TYPES",
    "AppointmentCancelled",
    "AppointmentMoved",
    "AppointmentScheduled",
    "ChatRead",
    "ContactUpdated",
    "Event",
    "MessageMediaFailed",
    "MessageMediaStored",
    "MessageQueued",
    "MessageReceived",
    "MessageSendFailed",
    "MessageSent",
    "MessageStatus",
    "ReminderCancelled",
    "ReminderDeferred",
    "ReminderDispatched",
    "ReminderFailed",
    "ReminderRescheduled",
    "ReminderScheduled",
    "ReminderSent",
    "SessionConnected",
    "SessionCreated",
    "SessionDeleted",
    "SessionDisconnected",
    "SessionLoggedOut",
    "SessionOptionsChanged",
    "SessionPairingFailed",
    "SessionPairingStarted",
    "SessionReconnectRequested",
    "event_type",
]

Event = (
    SessionCreated
    | SessionPairingStarted
    | SessionPairingFailed
    | SessionConnected
    | SessionDisconnected
    | SessionLoggedOut
    | SessionDeleted
    | SessionReconnectRequested
    | MessageReceived
    | MessageQueued
    | MessageSent
    | MessageSendFailed
    | MessageStatus
    | MessageMediaStored
    | MessageMediaFailed
    | ContactUpdated
    | ChatRead
    | SessionOptionsChanged
    | ReminderScheduled
    | ReminderDeferred
    | ReminderDispatched
    | ReminderSent
    | ReminderFailed
    | ReminderCancelled
    | ReminderRescheduled
    | AppointmentScheduled
    | AppointmentMoved
    | AppointmentCancelled
)

EVENT_TYPES: dict[str, type[Event]] = {cls.__struct_config__.tag: cls for cls in get_args(Event)}

# The schema version written for each type today. Bump it together with an upcaster in
# contracts.upcasting that turns the previous version's payload into the new one.
CURRENT_VERSIONS: dict[str, int] = {
    **dict.fromkeys(EVENT_TYPES, 1),
    "session.disconnected": 2,  # v2: the reasons ``client_outdated``, ``worker_crashed``
    "message.received": 2,  # + media (a descriptor); v1 had none
    "message.queued": 2,  # + media; v1 had none
}


def event_type(event: Event) -> str:
    """The type name of an event payload, e.g. ``session.connected``."""
    return str(event.__struct_config__.tag)
