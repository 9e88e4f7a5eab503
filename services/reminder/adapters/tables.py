"""The reminder service's own tables: the schedule, appointments, sessions' gate; and the
runtime kit's tracking and outbox tables."""

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
)

from runtime.sql.outbox import add_outbox_table
from runtime.sql.tracking import add_tracking_table
from runtime.sql.types import UtcDateTime

__all__ = ["appointments", "metadata", "reminders", "sessions"]


metadata = MetaData()

reminders = Table(
    "reminders",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("session", String(64), nullable=False),
    Column("to_jid", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),  # an appointment's start: too late after it
    Column("appointment_id", String(64)),
    Column("lead_s", Integer),
    # scheduled | deferred | dispatched | retrying | sent | failed | cancelled
    Column("status", String(16), nullable=False),
    Column("wake_at", UtcDateTime),  # when the dispatcher must look again (None: wait for a gate)
    Column("message_id", String(64), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("was_deferred", Boolean, nullable=False, default=False),
    Column("dispatched_at", UtcDateTime),
    Column("last_reason", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_reminders_wake", "status", "wake_at"),
    Index("ix_reminders_session", "session", "status", "due_at"),
    Index("ix_reminders_message", "message_id"),
    Index("ix_reminders_appointment", "appointment_id"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("session", String(64), nullable=False),
    Column("to_jid", String(128), nullable=False),
    Column("title", String(500), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("utc_offset_s", Integer, nullable=False, default=0),
    Column("remind_before_s", String(500), nullable=False),  # comma-separated seconds
    Column("template", Text),
    Column("fields", Text, nullable=False, default="{}"),
    Column("status", String(16), nullable=False),  # scheduled | cancelled
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# The connectivity gate, learned from the log only. ``sequence``: the last event applied, so
# instances replaying at different speeds never move a session back in time.
sessions = Table(
    "gate_sessions",
    metadata,
    Column("session", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("connected", Boolean, nullable=False, default=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("sequence", BigInteger, nullable=False),
)

add_tracking_table(metadata)  # the log consumer's position
add_outbox_table(metadata)  # events staged with the change they describe
