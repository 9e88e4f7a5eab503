"""messages.media*: a received file's descriptor (JSON), status, size, digest and failure

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("media", "media_status", "media_size", "media_sha256", "media_error")


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("media_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("media_size", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("media_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("media_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.drop_column(name)
