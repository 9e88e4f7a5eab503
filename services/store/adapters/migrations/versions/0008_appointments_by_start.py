"""appointments listed by start (GET /v1/appointments): an index on (tenant, starts_at, id)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_appointments_start", "appointments", ["tenant", "starts_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_appointments_start", table_name="appointments")
