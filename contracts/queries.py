"""Read queries answered by the store service (``query_subject("store")``), and their results.

Every query carries ``tenant`` and sees only that tenant's rows (``GetStats`` may omit it
for platform-wide figures). ``min_sequence``/``wait_ms``: read-your-writes; the store waits
up to ``wait_ms`` until its projection has applied that stream sequence, else it answers
``Refused(code="not_caught_up")``. Other refusal codes: ``not_found``, ``bad_query``
(undecodable query, a bad cursor, a limit out of range).

Lists are paginated: ``limit`` (1..``MAX_PAGE_SIZE``) and an opaque ``cursor``; pass a
reply's ``next_cursor`` to get the next page, ``None`` means the last page.

``require_session`` (messages, contacts, one message): the query is also the ownership check,
so a caller needs one round trip: ``not_found`` ("no such session") unless the tenant has it.

Framing: a reply is the JSON of one ``QueryReply`` with its tag first
(``{"type":"message_list",…``), so a reader can tell a refusal from data by its first bytes
and pass a page on without decoding it (the gateway does; anything else it decodes).
"""

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from contracts.commands import Refused
from contracts.conversation import ContactCard, Location
from contracts.group_queries import GetGroup, GroupList, GroupView, ListGroups
from contracts.media import MediaDescriptor, MediaStatus

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "AppointmentList",
    "AppointmentStatusName",
    "AppointmentView",
    "ChatKind",
    "ChatList",
    "ChatView",
    "ContactList",
    "ContactView",
    "EarlierText",
    "GetAppointment",
    "GetChat",
    "GetMessage",
    "GetReminder",
    "GetSession",
    "GetStats",
    "ListAppointments",
    "ListChats",
    "ListContacts",
    "ListMessages",
    "ListReminders",
    "ListSessions",
    "MessageList",
    "MessageStatusName",
    "MessageView",
    "PageSize",
    "Query",
    "QueryReply",
    "ReactionView",
    "ReminderHistoryEntry",
    "ReminderList",
    "ReminderStatusName",
    "ReminderView",
    "SessionList",
    "SessionStatusName",
    "SessionView",
    "Stats",
]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
PageSize = Annotated[int, Meta(ge=1, le=MAX_PAGE_SIZE)]

SessionStatusName = Literal[
    "new", "pairing", "pairing_failed", "connected", "reconnecting", "needs_attention",
    "logged_out", "banned", "deleted",
]  # fmt: skip
# received: an incoming message. Outgoing: queued → sent → delivered → read (→ played), or failed.
MessageStatusName = Literal["received", "queued", "sent", "delivered", "read", "played", "failed"]
ReminderStatusName = Literal[
    "scheduled", "deferred", "dispatched", "retrying", "sent", "failed", "cancelled"
]
AppointmentStatusName = Literal["scheduled", "cancelled"]


# ---- queries -------------------------------------------------------------------------------


class GetSession(Struct, frozen=True, kw_only=True, tag="get_session"):
    tenant: str
    session: str
    min_sequence: int = 0
    wait_ms: int = 2000


class ListSessions(Struct, frozen=True, kw_only=True, tag="list_sessions"):
    """Sessions of a tenant by id; a page holds up to ``MAX_PAGE_SIZE`` unless told fewer."""

    tenant: str
    cursor: str | None = None
    limit: PageSize = MAX_PAGE_SIZE
    min_sequence: int = 0
    wait_ms: int = 2000


class ListMessages(Struct, frozen=True, kw_only=True, tag="list_messages"):
    """Messages of one session, newest first (by WhatsApp timestamp); optionally one chat."""

    tenant: str
    session: str
    chat_jid: str | None = None
    cursor: str | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE
    min_sequence: int = 0
    wait_ms: int = 2000
    require_session: bool = False  # True: refused not_found unless the tenant has the session


class GetMessage(Struct, frozen=True, kw_only=True, tag="get_message"):
    tenant: str
    session: str
    message_id: str
    min_sequence: int = 0
    wait_ms: int = 2000
    require_session: bool = False  # True: "no such session" when the tenant has no such session


class ListContacts(Struct, frozen=True, kw_only=True, tag="list_contacts"):
    """Contacts of one session, by JID."""

    tenant: str
    session: str
    cursor: str | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE
    min_sequence: int = 0
    wait_ms: int = 2000
    require_session: bool = False  # True: refused not_found unless the tenant has the session


class ListChats(Struct, frozen=True, kw_only=True, tag="list_chats"):
    """Chats of one session, most recent activity first."""

    tenant: str
    session: str
    cursor: str | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE
    min_sequence: int = 0
    wait_ms: int = 2000


class GetChat(Struct, frozen=True, kw_only=True, tag="get_chat"):
    """One chat, by its JID or its linked LID."""

    tenant: str
    session: str
    chat_jid: str
    min_sequence: int = 0
    wait_ms: int = 2000


class ListReminders(Struct, frozen=True, kw_only=True, tag="list_reminders"):
    """Reminders of a tenant by due time (earliest first), optionally of a session/status."""

    tenant: str
    session_id: str | None = None
    status: ReminderStatusName | None = None
    cursor: str | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE
    min_sequence: int = 0
    wait_ms: int = 2000


class GetReminder(Struct, frozen=True, kw_only=True, tag="get_reminder"):
    """One reminder with its history."""

    tenant: str
    reminder_id: str
    min_sequence: int = 0
    wait_ms: int = 2000


class GetAppointment(Struct, frozen=True, kw_only=True, tag="get_appointment"):
    """One appointment with its reminders."""

    tenant: str
    appointment_id: str
    min_sequence: int = 0
    wait_ms: int = 2000


class ListAppointments(Struct, frozen=True, kw_only=True, tag="list_appointments"):
    """Appointments of a tenant by start time (earliest first), each with its reminders;
    optionally of a session/status."""

    tenant: str
    session_id: str | None = None
    status: AppointmentStatusName | None = None
    cursor: str | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE
    min_sequence: int = 0
    wait_ms: int = 2000


class GetStats(Struct, frozen=True, kw_only=True, tag="get_stats"):
    """Counters for /metrics; ``tenant=None``: the whole platform."""

    tenant: str | None = None
    min_sequence: int = 0
    wait_ms: int = 2000


Query = (
    GetSession
    | ListSessions
    | ListMessages
    | GetMessage
    | ListContacts
    | ListReminders
    | GetReminder
    | GetAppointment
    | ListAppointments
    | GetStats
    | ListGroups
    | GetGroup
    | ListChats
    | GetChat
)


# ---- results -------------------------------------------------------------------------------


class SessionView(Struct, frozen=True, kw_only=True, tag="session"):
    id: str
    tenant: str
    name: str
    status: str
    phone_number: str | None = None
    jid: str | None = None
    push_name: str | None = None
    created_at: datetime
    last_connected_at: datetime | None = None
    last_disconnected_at: datetime | None = None
    last_disconnect_reason: str | None = None
    pairing_failure: str | None = None  # why the last pairing ended without a connection
    typing_before_send: bool = False  # "typing…" is shown before each send
    reconnect_attempts: int = 0  # while it is down: its latest disconnect's attempt; else 0


class SessionList(Struct, frozen=True, kw_only=True, tag="session_list"):
    items: list[SessionView]
    next_cursor: str | None = None


class ReactionView(Struct, frozen=True, kw_only=True):
    """One person's reaction to a message (their latest; a removed one is not listed)."""

    sender_jid: str
    from_me: bool = False
    emoji: str
    at: datetime


class EarlierText(Struct, frozen=True, kw_only=True):
    """A text a message had before an edit replaced it at ``replaced_at``."""

    text: str | None = None
    replaced_at: datetime


class MessageView(Struct, frozen=True, kw_only=True, tag="message"):
    """A message received or sent, with its delivery status; ``sent_at`` is WhatsApp's time.

    A revoked message (deleted for everyone) keeps its place, ``revoked_at`` set, and shows
    no text, location, contact card or earlier texts: its author withdrew them, so the view
    no longer serves them. The event log still holds what was said (it is never rewritten)."""

    message_id: str
    tenant: str
    session: str
    chat_jid: str
    sender_jid: str | None = None
    sender_lid: str | None = None
    from_me: bool = False
    text: str | None = None
    media_kind: str | None = None
    sent_at: datetime | None = None
    recorded_at: datetime
    updated_at: datetime
    is_old: bool = False
    status: MessageStatusName
    attempts: int = 0
    last_error: str | None = None
    reminder_id: str | None = None
    media: MediaDescriptor | None = None  # a received file (size, sha256: as stored)
    media_status: MediaStatus | None = None
    media_error: str | None = None  # why the file could not be kept
    reply_to: str | None = None  # the id of the message this one quotes
    location: Location | None = None
    contact: ContactCard | None = None
    reactions: list[ReactionView] = field(default_factory=list)  # by time, oldest first
    edited_at: datetime | None = None  # ``text`` is then the latest
    earlier_texts: list[EarlierText] = field(default_factory=list)  # oldest first
    revoked_at: datetime | None = None


class MessageList(Struct, frozen=True, kw_only=True, tag="message_list"):
    items: list[MessageView]
    next_cursor: str | None = None


class ContactView(Struct, frozen=True, kw_only=True, tag="contact"):
    """A person a session talks to; ``jid`` and ``lid`` are linked when both are known."""

    tenant: str
    session: str
    jid: str
    lid: str | None = None
    phone_number: str | None = None
    saved_name: str | None = None
    push_name: str | None = None
    updated_at: datetime  # when what is known of it last changed


class ContactList(Struct, frozen=True, kw_only=True, tag="contact_list"):
    items: list[ContactView]
    next_cursor: str | None = None


ChatKind = Literal["user", "group"]


class ChatView(Struct, frozen=True, kw_only=True, tag="chat"):
    """A chat of a session: keyed by the phone JID when known (``lid``: the same person's
    @lid), with its newest message and how many incoming ones are unread since our last
    read receipt."""

    tenant: str
    session: str
    jid: str
    lid: str | None = None
    kind: ChatKind
    name: str | None = None
    last_message: MessageView | None = None
    unread_count: int = 0
    last_activity_at: datetime
    last_read_at: datetime | None = None
    # The id (stream sequence) of the last event that changed the chat (its newest message,
    # its unread count, a read): merging /v1/events into it, skip the events up to this id.
    sequence: int = 0


class ChatList(Struct, frozen=True, kw_only=True, tag="chat_list"):
    items: list[ChatView]
    next_cursor: str | None = None


class ReminderHistoryEntry(Struct, frozen=True, kw_only=True):
    """One event in a reminder's life: its type (``reminder.deferred``…), time and detail."""

    sequence: int
    event: str
    at: datetime
    detail: str | None = None


class ReminderView(Struct, frozen=True, kw_only=True, tag="reminder"):
    id: str
    tenant: str
    session: str
    to: str
    text: str
    due_at: datetime
    appointment_id: str | None = None
    status: ReminderStatusName
    attempts: int = 0
    message_id: str | None = None
    last_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    history: list[ReminderHistoryEntry] = field(default_factory=list)  # GetReminder only


class ReminderList(Struct, frozen=True, kw_only=True, tag="reminder_list"):
    items: list[ReminderView]
    next_cursor: str | None = None


class AppointmentView(Struct, frozen=True, kw_only=True, tag="appointment"):
    """An appointment and the reminders scheduled for it."""

    id: str
    tenant: str
    session: str
    status: str
    title: str | None = None
    to: str | None = None
    starts_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    reminders: list[ReminderView] = field(default_factory=list)


class AppointmentList(Struct, frozen=True, kw_only=True, tag="appointment_list"):
    items: list[AppointmentView]
    next_cursor: str | None = None


class Stats(Struct, frozen=True, kw_only=True, tag="stats"):
    """Counts for /metrics. ``events_projected``: the store's stream position (global)."""

    tenant: str | None = None
    sessions_by_status: dict[str, int] = field(default_factory=dict)
    messages_by_status: dict[str, int] = field(default_factory=dict)
    sends_failed: int = 0
    reminders_by_status: dict[str, int] = field(default_factory=dict)
    reconnect_attempts: int = 0
    events_projected: int = 0


QueryReply = (
    SessionView
    | SessionList
    | MessageView
    | MessageList
    | ContactView
    | ContactList
    | ChatView
    | ChatList
    | ReminderView
    | ReminderList
    | AppointmentView
    | AppointmentList
    | Stats
    | GroupView
    | GroupList
    | Refused
)
