"""initial store schema

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from runtime.sql.types import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "appointments",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("to", sa.String(length=160), nullable=True),
        sa.Column("starts_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id"),
    )
    op.create_table(
        "contacts",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("jid", sa.String(length=160), nullable=False),
        sa.Column("lid", sa.String(length=160), nullable=True),
        sa.Column("phone_number", sa.String(length=32), nullable=True),
        sa.Column("saved_name", sa.String(length=200), nullable=True),
        sa.Column("push_name", sa.String(length=200), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "session_id", "jid"),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_lid", ["tenant", "session_id", "lid"], unique=False)

    op.create_table(
        "messages",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("chat_jid", sa.String(length=160), nullable=False),
        sa.Column("sender_jid", sa.String(length=160), nullable=True),
        sa.Column("sender_lid", sa.String(length=160), nullable=True),
        sa.Column("from_me", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media_kind", sa.String(length=16), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("sort_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("is_old", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("reminder_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("tenant", "session_id", "message_id"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_messages_chat_newest",
            ["tenant", "session_id", "chat_jid", "sort_at", "message_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_messages_newest", ["tenant", "session_id", "sort_at", "message_id"], unique=False
        )

    op.create_table(
        "projection_positions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "reminder_history",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("reminder_id", sa.String(length=128), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("reminder_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminder_history_reminder", ["tenant", "reminder_id", "sequence"], unique=False
        )

    op.create_table(
        "reminders",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("to", sa.String(length=160), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("appointment_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=True),
        sa.Column("last_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id"),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminders_appointment", ["tenant", "appointment_id"], unique=False
        )
        batch_op.create_index("ix_reminders_due", ["tenant", "due_at", "id"], unique=False)
        batch_op.create_index(
            "ix_reminders_session_due", ["tenant", "session_id", "due_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_reminders_status_due", ["tenant", "status", "due_at", "id"], unique=False
        )

    op.create_table(
        "send_failures",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("will_retry", sa.Boolean(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("send_failures", schema=None) as batch_op:
        batch_op.create_index("ix_send_failures_tenant", ["tenant"], unique=False)

    op.create_table(
        "session_disconnects",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("will_retry", sa.Boolean(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("session_disconnects", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_disconnects_tenant", ["tenant", "will_retry"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("phone_number", sa.String(length=32), nullable=True),
        sa.Column("jid", sa.String(length=160), nullable=True),
        sa.Column("push_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("last_connected_at", UtcDateTime(), nullable=True),
        sa.Column("last_disconnected_at", UtcDateTime(), nullable=True),
        sa.Column("last_disconnect_reason", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("tenant", "id"),
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("first_seen_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:

    op.drop_table("tenants")
    op.drop_table("sessions")
    with op.batch_alter_table("session_disconnects", schema=None) as batch_op:
        batch_op.drop_index("ix_session_disconnects_tenant")

    op.drop_table("session_disconnects")
    with op.batch_alter_table("send_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_send_failures_tenant")

    op.drop_table("send_failures")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_status_due")
        batch_op.drop_index("ix_reminders_session_due")
        batch_op.drop_index("ix_reminders_due")
        batch_op.drop_index("ix_reminders_appointment")

    op.drop_table("reminders")
    with op.batch_alter_table("reminder_history", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_history_reminder")

    op.drop_table("reminder_history")
    op.drop_table("projection_positions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_newest")
        batch_op.drop_index("ix_messages_chat_newest")

    op.drop_table("messages")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_lid")

    op.drop_table("contacts")
    op.drop_table("appointments")
