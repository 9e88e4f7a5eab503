"""Every event of the log, as one tagged union, with the schema version of each type."""

from typing import get_args

from contracts.events.chat import ChatRead, ChatReadQueued, SessionOptionsChanged
from contracts.events.contact import ContactUpdated
from contracts.events.conversation import (
    MessageActionQueued,
    MessageEdited,
    MessageReacted,
    MessageRevoked,
)
from contracts.events.group import (
    GroupCreated,
    GroupDescriptionChanged,
    GroupInviteRevoked,
    GroupJoined,
    GroupLeft,
    GroupParticipantsChanged,
    GroupSubjectChanged,
    GroupSynced,
)
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
    ReminderRetrying,
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
from contracts.events.undecryptable import MessageUndecryptable

__all__ = [
    "CURRENT_VERSIONS",
    "EVENT_TYPES",
    "AppointmentCancelled",
    "AppointmentMoved",
    "AppointmentScheduled",
    "ChatRead",
    "ChatReadQueued",
    "ContactUpdated",
    "Event",
    "GroupCreated",
    "GroupDescriptionChanged",
    "GroupInviteRevoked",
    "GroupJoined",
    "GroupLeft",
    "GroupParticipantsChanged",
    "GroupSubjectChanged",
    "GroupSynced",
    "MessageActionQueued",
    "MessageEdited",
    "MessageMediaFailed",
    "MessageMediaStored",
    "MessageQueued",
    "MessageReacted",
    "MessageReceived",
    "MessageRevoked",
    "MessageSendFailed",
    "MessageSent",
    "MessageStatus",
    "MessageUndecryptable",
    "ReminderCancelled",
    "ReminderDeferred",
    "ReminderDispatched",
    "ReminderFailed",
    "ReminderRescheduled",
    "ReminderRetrying",
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
    | MessageUndecryptable
    | MessageActionQueued
    | MessageReacted
    | MessageEdited
    | MessageRevoked
    | ContactUpdated
    | ChatRead
    | ChatReadQueued
    | SessionOptionsChanged
    | ReminderScheduled
    | ReminderDeferred
    | ReminderDispatched
    | ReminderRetrying
    | ReminderSent
    | ReminderFailed
    | ReminderCancelled
    | ReminderRescheduled
    | AppointmentScheduled
    | AppointmentMoved
    | AppointmentCancelled
    | GroupCreated
    | GroupJoined
    | GroupSynced
    | GroupLeft
    | GroupParticipantsChanged
    | GroupSubjectChanged
    | GroupDescriptionChanged
    | GroupInviteRevoked
)

EVENT_TYPES: dict[str, type[Event]] = {cls.__struct_config__.tag: cls for cls in get_args(Event)}

# The schema version written for each type today. Bump it together with an upcaster in
# contracts.upcasting that turns the previous version's payload into the new one.
CURRENT_VERSIONS: dict[str, int] = {
    **dict.fromkeys(EVENT_TYPES, 1),
    "session.disconnected": 3,  # v2: + ``client_outdated``, ``worker_crashed``; v3: + the
    # reasons ``worker_hung``, ``worker_recycled``
    "message.received": 3,  # v2 + media (a descriptor); v3 + reply_to, location, contact
    "message.queued": 3,  # v2 + media; v3 + quote, location, contact
}


def event_type(event: Event) -> str:
    """The type name of an event payload, e.g. ``session.connected``."""
    return str(event.__struct_config__.tag)
