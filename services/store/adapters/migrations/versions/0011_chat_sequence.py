"""chats.sequence: the stream sequence of the last event that changed the chat (its newest
message, its unread count, a read receipt, a link of its identities), so that a client merging
/v1/events into a chat it has read skips what the read already showed. The rows a store held
before this migration show every event up to its recorded position: they take that.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILL = sa.text(
    "UPDATE chats SET sequence = COALESCE("
    "(SELECT t.position FROM tracking t WHERE t.consumer = 'store'), 0)"
)


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sequence", sa.BigInteger(), nullable=False, server_default=sa.text("0"))
        )
    op.execute(_FILL)


def downgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("sequence")
