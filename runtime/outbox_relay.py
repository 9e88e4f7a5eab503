"""Publishes what the outbox holds, oldest first, as the bytes were staged (no decoding), with
the message's id for de-duplication; deletes it once the log has acknowledged it."""

import asyncio
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from runtime.outbox import Clock, OutboxMessage, OutboxStore

__all__ = ["ORPHAN_AFTER", "OutboxRelay", "RawPublisher"]

ORPHAN_AFTER = timedelta(seconds=30)  # another instance's messages: it probably died
REMEMBERED = 10_000  # the stream sequences of the messages published last


class RawPublisher(Protocol):
    """Appends encoded bytes to the log; a repeated ``msg_id`` is stored once, and its
    publish returns the sequence of the first (``EventPublisher`` and the event log port
    of runtime.messaging have this method)."""

    async def publish_encoded(self, subject: str, data: bytes, *, msg_id: str) -> int: ...


class OutboxRelay:
    """``flush`` after a commit that staged; ``sequence_of`` tells a caller where its event
    landed in the log (published now if it still waits)."""

    def __init__(
        self,
        store: OutboxStore[Any],
        publisher: RawPublisher,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        orphan_after: timedelta = ORPHAN_AFTER,
        batch: int = 1000,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._clock = clock
        self._orphan_after = orphan_after
        self._batch = batch
        self._lock = asyncio.Lock()
        self._sequences: OrderedDict[str, int] = OrderedDict()

    async def flush(self) -> int:
        """Publish every message of this instance (and orphans); returns how many."""
        published = 0
        async with self._lock:
            while True:
                cutoff = self._clock() - self._orphan_after
                found = await self._store.pending(orphaned_before=cutoff, limit=self._batch)
                for pending in found:
                    self._remember(pending.message.id, await self._publish(pending.message))
                if found:
                    await self._store.delete([pending.row for pending in found])
                published += len(found)
                if len(found) < self._batch:
                    return published

    async def sequence_of(self, message: OutboxMessage) -> int:
        """The stream sequence of a staged message (published by another instance: a
        de-duplicated publish of the same bytes tells it)."""
        await self.flush()
        sequence = self._sequences.get(message.id)
        if sequence is None:
            sequence = await self._publish(message)
        return sequence

    async def _publish(self, message: OutboxMessage) -> int:
        return await self._publisher.publish_encoded(
            message.subject, message.data, msg_id=message.id
        )

    def _remember(self, msg_id: str, sequence: int) -> None:
        self._sequences[msg_id] = sequence
        while len(self._sequences) > REMEMBERED:
            self._sequences.popitem(last=False)
