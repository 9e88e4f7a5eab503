"""sessions.reconnect_attempts: while a session is down, its latest disconnect's attempt (the
projection writes it with the disconnect; any other status sets 0). Filled here from
``session_disconnects``, as the reads computed it until now.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each down session's latest disconnect, by an index made for this one statement (the
# table's own index is by tenant: without it each session would scan its tenant's history).
_LATEST = "ix_session_disconnects_latest_0009"
_FILL = sa.text(
    "UPDATE sessions SET reconnect_attempts = COALESCE(("
    " SELECT d.attempt FROM session_disconnects d"
    " WHERE d.tenant = sessions.tenant AND d.session_id = sessions.id"
    " ORDER BY d.sequence DESC LIMIT 1), 0)"
    " WHERE status IN ('reconnecting', 'needs_attention')"
)


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reconnect_attempts", sa.Integer(), nullable=False, server_default=sa.text("0")
            )
        )
    op.create_index(_LATEST, "session_disconnects", ["tenant", "session_id", "sequence"])
    op.execute(_FILL)
    op.drop_index(_LATEST, table_name="session_disconnects")


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("reconnect_attempts")
