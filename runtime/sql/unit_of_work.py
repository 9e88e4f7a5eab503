"""The unit of work on SQLAlchemy: one database transaction holds the service's statements
(``tx.connection``), the consumer's position and the outbox's messages."""

from collections.abc import AsyncIterator, Callable
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
        self.staged = 0

    async def save_position(self, consumer: str, sequence: int) -> None:
        await self._uow.tracking.save(self.connection, consumer, sequence)

    async def stage(self, envelope: Envelope) -> OutboxMessage:
        if self._uow.outbox is None:
            raise RuntimeError("this unit of work has no outbox")
        message = outbox_message(envelope)
        await self._uow.outbox.stage(self.connection, message)
        self.staged += 1
        return message


class SqlUnitOfWork:
    """``outbox``: where ``stage`` writes (none: staging is an error). ``on_staged`` runs
    after a commit that staged messages (to wake a relay)."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        outbox: SqlOutbox | None = None,
        on_staged: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.tracking = SqlTracking(engine)
        self.outbox = outbox
        self.on_staged = on_staged

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlTransaction]:
        tx: SqlTransaction | None = None
        try:
            async with self.engine.begin() as conn:
                tx = SqlTransaction(conn, self)
                yield tx
        except BaseException:
            if tx is not None:
                tx.run_rollback_hooks()
            raise
        assert tx is not None
        tx.run_commit_hooks()
        if tx.staged and self.on_staged is not None:
            self.on_staged()

    async def position(self, consumer: str) -> int:
        return await self.tracking.position(consumer)
