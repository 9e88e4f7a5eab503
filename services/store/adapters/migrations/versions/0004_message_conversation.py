"""messages: replies, locations, contact cards, edits, revokes; reactions and earlier texts

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from runtime.sql.types import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("reply_to", "location", "contact", "edited_at", "revoked_at")


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("location", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("contact", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("edited_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", UtcDateTime(), nullable=True))
    op.create_table(
        "message_reactions",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("sender_jid", sa.String(length=160), nullable=False),
        sa.Column("from_me", sa.Boolean(), nullable=False),
        sa.Column("emoji", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "session_id", "message_id", "sender_jid"),
    )
    op.create_table(
        "message_edits",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("replaced_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("message_edits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_edits_message", ["tenant", "session_id", "message_id", "sequence"]
        )


def downgrade() -> None:
    with op.batch_alter_table("message_edits", schema=None) as batch_op:
        batch_op.drop_index("ix_message_edits_message")
    op.drop_table("message_edits")
    op.drop_table("message_reactions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.drop_column(name)
