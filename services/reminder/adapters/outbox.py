"""The reminder's outbox: the runtime kit's (stage in the change's transaction, publish the
staged bytes after), under the interface the reminder's service layer calls."""

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from runtime.outbox import outbox_message
from runtime.outbox_relay import OutboxRelay, RawPublisher
from runtime.sql.outbox import SqlOutbox

__all__ = ["Outbox"]


class Outbox:
    """Stage in a transaction, then ``flush``: publish in order (de-duplicated), delete."""

    def __init__(self, engine: AsyncEngine, publisher: RawPublisher, instance: str) -> None:
        self.store = SqlOutbox(engine, instance)
        self.relay = OutboxRelay(self.store, publisher)

    async def stage(self, conn: AsyncConnection, envelope: Envelope) -> None:
        await self.store.stage(conn, outbox_message(envelope))

    async def flush(self) -> None:
        """Publish every staged event of this instance (and orphans), oldest first."""
        await self.relay.flush()

    async def sequence_of(self, envelope: Envelope) -> int:
        """The stream sequence of a staged event (published now if still waiting)."""
        return await self.relay.sequence_of(outbox_message(envelope))
