"""The unit of work on SQLAlchemy: one database transaction holds the service's statements
(``tx.connection``), the consumer's position and the outbox's messages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from runtime.outbox import OutboxMessage, outbox_message
from runtime.sql.outbox import SqlOutbox
from runtime.sql.tracking import SqlTracking
from runtime.transaction import Hooks

__all__ = ["SqlTransaction", "SqlUnitOfWork"]


class SqlTransaction(Hooks):
    def __init__(self, connection: AsyncConnection, uow: "SqlUnitOfWork") -> None:
        super().__init__()
        self.connection = connection
        self._uow = uow

    async def save_position(self, consumer: str, sequence: int) -> None:
        await self._uow.tracking.save(self.connection, consumer, sequence)

    async def stage(self, envelope: Envelope) -> OutboxMessage:
        if self._uow.outbox is None:
            raise RuntimeError("this unit of work has no outbox")
        message = outbox_message(envelope)
        await self._uow.outbox.stage(self.connection, message)
        return message


class SqlUnitOfWork:
    """``outbox``: where ``stage`` writes (none: staging is an error)."""

    def __init__(self, engine: AsyncEngine, *, outbox: SqlOutbox | None = None) -> None:
        self.engine = engine
        self.tracking = SqlTracking(engine)
        self.outbox = outbox

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlTransaction]:
        async with self.engine.begin() as conn:
            tx = SqlTransaction(conn, self)
            yield tx
        tx.run_commit_hooks()

    async def position(self, consumer: str) -> int:
        return await self.tracking.position(consumer)
