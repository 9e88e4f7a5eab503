"""sessions.pairing_failure: why the last pairing ended without a connection

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("pairing_failure", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("sessions", "pairing_failure")
