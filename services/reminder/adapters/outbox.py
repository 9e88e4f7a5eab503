"""The transactional outbox: events staged with the change they describe, published after."""

import asyncio
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.codec import decode_event, encode_event
from contracts.envelope import Envelope
from runtime.eventlog import EventPublisher
from runtime.logging import get_logger
from services.reminder.adapters.tables import outbox

__all__ = ["Outbox"]

log = get_logger(__name__)
ORPHAN_AFTER = timedelta(seconds=30)  # another instance's rows: it probably died


class Outbox:
    """Stage in a transaction, then ``flush``: publish in order (de-duplicated), delete."""

    def __init__(self, engine: AsyncEngine, publisher: EventPublisher, instance: str) -> None:
        self._engine = engine
        self._publisher = publisher
        self._instance = instance
        self._lock = asyncio.Lock()
        self._seqs: OrderedDict[str, int] = OrderedDict()

    async def stage(self, conn: AsyncConnection, envelope: Envelope) -> None:
        await conn.execute(
            insert(outbox).values(
                instance=self._instance,
                event_id=envelope.id,
                data=encode_event(envelope),
                created_at=datetime.now(UTC),
            )
        )

    async def flush(self) -> None:
        """Publish every staged event of this instance (and orphans), oldest first."""
        async with self._lock:
            orphan = datetime.now(UTC) - ORPHAN_AFTER
            stmt = (
                select(outbox.c.id, outbox.c.event_id, outbox.c.data)
                .where(or_(outbox.c.instance == self._instance, outbox.c.created_at < orphan))
                .order_by(outbox.c.id)
                .limit(1000)
            )
            async with self._engine.connect() as conn:
                rows = (await conn.execute(stmt)).all()
            for _, event_id, data in rows:
                self._remember(event_id, await self._publisher.publish(decode_event(data)))
            if rows:
                async with self._engine.begin() as conn:
                    await conn.execute(delete(outbox).where(outbox.c.id.in_([r[0] for r in rows])))

    async def sequence_of(self, envelope: Envelope) -> int:
        """The stream sequence of a staged event (published now if still waiting)."""
        await self.flush()
        seq = self._seqs.get(envelope.id)
        if seq is None:  # published by another instance: a de-duplicated publish tells us
            seq = await self._publisher.publish(envelope)
        return seq

    def _remember(self, event_id: str, seq: int) -> None:
        self._seqs[event_id] = seq
        while len(self._seqs) > 10_000:
            self._seqs.popitem(last=False)
