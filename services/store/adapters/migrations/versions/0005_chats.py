"""chats (a projection of messages, links and read receipts); sessions.typing_before_send

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from runtime.sql.types import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("jid", sa.String(length=160), nullable=False),
        sa.Column("lid", sa.String(length=160), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("last_message_id", sa.String(length=128), nullable=False),
        sa.Column("last_activity_at", UtcDateTime(), nullable=False),
        sa.Column("last_read_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "session_id", "jid"),
    )
    op.create_index("ix_chats_recent", "chats", ["tenant", "session_id", "last_activity_at", "jid"])
    op.create_index("ix_chats_lid", "chats", ["tenant", "session_id", "lid"])
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("typing_before_send", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("typing_before_send")
    op.drop_index("ix_chats_lid", table_name="chats")
    op.drop_index("ix_chats_recent", table_name="chats")
    op.drop_table("chats")
