"""tracking: the projection's position moves from projection_positions to the runtime kit's
one tracking table (rows kept: an upgraded store neither replays nor skips an event)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from runtime.sql.tracking import adopt_positions

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    adopt_positions("projection_positions")(op.get_bind())


def downgrade() -> None:
    old = op.create_table(
        "projection_positions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    assert old is not None
    rows = op.get_bind().execute(
        sa.text("SELECT consumer, position FROM tracking WHERE consumer = 'store'")
    )
    op.bulk_insert(old, [{"name": name, "position": position} for name, position in rows])
    op.drop_table("tracking")
