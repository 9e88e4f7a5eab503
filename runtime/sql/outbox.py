"""The outbox on SQL: one table; a message's bytes are stored as staged and read back as
they are (nothing decoded)."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.outbox import Clock, OutboxMessage, Pending
from runtime.sql.types import UtcDateTime

__all__ = ["OUTBOX", "SqlOutbox", "add_outbox_table"]

OUTBOX = Table(
    "outbox",
    MetaData(),
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("instance", String(64), nullable=False),
    Column("msg_id", String(64), nullable=False),
    Column("subject", String(512), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("staged_at", UtcDateTime, nullable=False),
    Index("ix_outbox_instance", "instance", "id"),
)


def add_outbox_table(metadata: MetaData) -> Table:
    """The outbox table as part of a service's tables (created with them)."""
    return OUTBOX.to_metadata(metadata)


class SqlOutbox:
    """The ``OutboxStore`` port on SQLAlchemy; the caller's transaction is its connection."""

    def __init__(
        self, engine: AsyncEngine, instance: str, clock: Clock = lambda: datetime.now(UTC)
    ) -> None:
        self.engine = engine
        self.instance = instance
        self._clock = clock

    async def stage(self, tx: AsyncConnection, message: OutboxMessage) -> None:
        await tx.execute(
            insert(OUTBOX).values(
                instance=self.instance,
                msg_id=message.id,
                subject=message.subject,
                data=message.data,
                staged_at=self._clock(),
            )
        )

    async def pending(self, *, orphaned_before: datetime, limit: int) -> list[Pending]:
        stmt = (
            select(OUTBOX.c.id, OUTBOX.c.msg_id, OUTBOX.c.subject, OUTBOX.c.data)
            .where(or_(OUTBOX.c.instance == self.instance, OUTBOX.c.staged_at < orphaned_before))
            .order_by(OUTBOX.c.id)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [
            Pending(row=row, message=OutboxMessage(id=msg_id, subject=subject, data=data))
            for row, msg_id, subject, data in rows
        ]

    async def delete(self, rows: Sequence[int]) -> None:
        if rows:
            async with self.engine.begin() as conn:
                await conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(list(rows))))
