"""The store's tables. Disposable: they can always be rebuilt from the event log."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    text,
)

from runtime.sql.tracking import add_tracking_table
from runtime.sql.types import UtcDateTime

__all__ = [
    "appointments",
    "chats",
    "contacts",
    "group_participants",
    "groups",
    "message_edits",
    "message_reactions",
    "messages",
    "metadata",
    "reminder_history",
    "reminders",
    "send_failures",
    "session_disconnects",
    "sessions",
    "tenants",
    "tracking",
]

metadata = MetaData()
ID = String(128)
JID = String(160)

tracking = add_tracking_table(metadata)  # the projection's position (migration 0007)

tenants = Table(
    "tenants",
    metadata,
    Column("id", ID, primary_key=True),
    Column("first_seen_at", UtcDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("status", String(32), nullable=False),
    Column("phone_number", String(32)),
    Column("jid", JID),
    Column("push_name", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("last_connected_at", UtcDateTime),
    Column("last_disconnected_at", UtcDateTime),
    Column("last_disconnect_reason", String(64)),
    Column("pairing_failure", String(64)),
    Column("typing_before_send", Boolean, nullable=False, server_default=false()),
    # while it is down (reconnecting, needs_attention): its latest disconnect's attempt; else 0
    Column("reconnect_attempts", Integer, nullable=False, server_default=text("0")),
)

session_disconnects = Table(
    "session_disconnects",
    metadata,
    Column("event_id", ID, primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    Column("tenant", ID, nullable=False),
    Column("session_id", ID, nullable=False),
    Column("reason", String(64), nullable=False),
    Column("will_retry", Boolean, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_session_disconnects_tenant", "tenant", "will_retry"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("session_id", ID, primary_key=True),
    Column("jid", JID, primary_key=True),  # the phone JID, or the LID while no phone is known
    Column("lid", JID),
    Column("phone_number", String(32)),
    Column("saved_name", String(200)),
    Column("push_name", String(200)),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_contacts_lid", "tenant", "session_id", "lid"),
)

chats = Table(
    "chats",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("session_id", ID, primary_key=True),
    Column("jid", JID, primary_key=True),  # the phone JID when known, else the LID; or a group
    Column("lid", JID),
    Column("name", String(200)),  # a group's subject (a user's name comes from contacts)
    Column("last_message_id", ID, nullable=False),
    Column("last_activity_at", UtcDateTime, nullable=False),  # the newest message's sort_at
    Column("last_read_at", UtcDateTime),  # our read receipts covered messages up to this
    Column("sequence", BigInteger, nullable=False, server_default="0"),  # its last event's
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_chats_recent", "tenant", "session_id", "last_activity_at", "jid"),
    Index("ix_chats_lid", "tenant", "session_id", "lid"),
)

messages = Table(
    "messages",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("session_id", ID, primary_key=True),
    Column("message_id", ID, primary_key=True),
    Column("chat_jid", JID, nullable=False),
    Column("sender_jid", JID),
    Column("sender_lid", JID),
    Column("from_me", Boolean, nullable=False),
    Column("text", Text),
    Column("media_kind", String(16)),
    Column("sent_at", UtcDateTime),
    Column("sort_at", UtcDateTime, nullable=False),  # WhatsApp's time, else when it was queued
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("is_old", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_rank", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("reminder_id", ID),
    Column("media", Text),  # the descriptor as message.received carried it (JSON)
    Column("media_status", String(16)),
    Column("media_size", BigInteger),
    Column("media_sha256", String(64)),
    Column("media_error", Text),
    Column("reply_to", ID),  # the id of the message this one quotes
    Column("location", Text),  # JSON, as the event carried it
    Column("contact", Text),  # JSON
    Column("edited_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    # its MessageView's JSON, written by the database itself, never by us (message_view.py)
    Column("view", Text),
    Index("ix_messages_newest", "tenant", "session_id", "sort_at", "message_id"),
    Index("ix_messages_chat_newest", "tenant", "session_id", "chat_jid", "sort_at", "message_id"),
)

message_reactions = Table(  # one per sender and message: the latest wins
    "message_reactions",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("session_id", ID, primary_key=True),
    Column("message_id", ID, primary_key=True),
    Column("sender_jid", JID, primary_key=True),
    Column("from_me", Boolean, nullable=False),
    Column("emoji", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

message_edits = Table(  # each edit keeps the text it replaced
    "message_edits",
    metadata,
    Column("event_id", ID, primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    Column("tenant", ID, nullable=False),
    Column("session_id", ID, nullable=False),
    Column("message_id", ID, nullable=False),
    Column("text", Text),
    Column("replaced_at", UtcDateTime, nullable=False),
    Index("ix_message_edits_message", "tenant", "session_id", "message_id", "sequence"),
)

send_failures = Table(
    "send_failures",
    metadata,
    Column("event_id", ID, primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    Column("tenant", ID, nullable=False),
    Column("session_id", ID, nullable=False),
    Column("message_id", ID, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("will_retry", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_send_failures_tenant", "tenant"),
)

reminders = Table(
    "reminders",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("id", ID, primary_key=True),
    Column("session_id", ID, nullable=False),
    Column("to", String(160), nullable=False),
    Column("text", Text, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("appointment_id", ID),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("message_id", ID),
    Column("last_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_reminders_due", "tenant", "due_at", "id"),
    Index("ix_reminders_session_due", "tenant", "session_id", "due_at", "id"),
    Index("ix_reminders_status_due", "tenant", "status", "due_at", "id"),
    Index("ix_reminders_appointment", "tenant", "appointment_id"),
)

reminder_history = Table(
    "reminder_history",
    metadata,
    Column("event_id", ID, primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    Column("tenant", ID, nullable=False),
    Column("reminder_id", ID, nullable=False),
    Column("event", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("detail", Text),
    Index("ix_reminder_history_reminder", "tenant", "reminder_id", "sequence"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("id", ID, primary_key=True),
    Column("session_id", ID, nullable=False),
    Column("status", String(32), nullable=False),
    Column("title", Text),
    Column("to", String(160)),
    Column("starts_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_appointments_start", "tenant", "starts_at", "id"),
)

groups = Table(
    "groups",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("session_id", ID, primary_key=True),
    Column("jid", JID, primary_key=True),
    Column("subject", Text, nullable=False),
    Column("description", Text),
    Column("owner_jid", JID),
    Column("is_member", Boolean, nullable=False),  # false once the session left or was removed
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

group_participants = Table(
    "group_participants",
    metadata,
    Column("tenant", ID, primary_key=True),
    Column("session_id", ID, primary_key=True),
    Column("group_jid", JID, primary_key=True),
    Column("jid", JID, primary_key=True),
    Column("is_admin", Boolean, nullable=False),
    Column("is_super_admin", Boolean, nullable=False),
)
