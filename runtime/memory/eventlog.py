"""The event log in memory, as JetStream's events stream for what services use: sequences
from 1 without gaps, de-duplication by message id within the window, durable consumers that
stand after their handler's position, and what a failed batch left unacknowledged delivered
again on the next run."""

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from contracts.codec import DecodeError, decode_event, encode_event
from contracts.envelope import Envelope
from contracts.subjects import EVENT_SUBJECTS, event_subject
from runtime.eventlog import PublishFailed
from runtime.logging import get_logger
from runtime.memory.subjects import subject_matches
from runtime.messaging import Delivered, EventHandler, PreparingHandler

__all__ = ["MemoryEventLog", "Stored"]

log = get_logger(__name__)


@dataclass(frozen=True)
class Stored:
    sequence: int
    subject: str
    data: bytes
    msg_id: str


@dataclass
class _Durable:
    filters: list[str]
    delivered: int  # the last stream sequence handed to the handler
    acked: int  # the last one it applied (AckPolicy.ALL: everything up to it)


class MemoryEventLog:
    """``EventLog`` and ``EventFeed`` on one stream in memory."""

    def __init__(
        self, *, dedupe_s: float = 600, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.dedupe_s = dedupe_s
        self._clock = clock
        self.events: list[Stored] = []
        self._ids: dict[str, tuple[int, float]] = {}
        self.consumers: dict[str, _Durable] = {}
        self._grown = asyncio.Event()

    @property
    def last_sequence(self) -> int:
        return len(self.events)

    async def publish(self, envelope: Envelope) -> int:
        subject = event_subject(envelope.tenant, envelope.session, envelope.type)
        return await self.publish_encoded(subject, encode_event(envelope), msg_id=envelope.id)

    async def publish_encoded(self, subject: str, data: bytes, *, msg_id: str) -> int:
        if not subject_matches(EVENT_SUBJECTS, subject):
            raise PublishFailed(f"{subject} {msg_id}: no stream takes this subject")
        now = self._clock()
        seen = self._ids.get(msg_id)
        if seen is not None and now - seen[1] < self.dedupe_s:
            return seen[0]
        stored = Stored(len(self.events) + 1, subject, data, msg_id)
        self.events.append(stored)
        self._ids[msg_id] = (stored.sequence, now)
        grown, self._grown = self._grown, asyncio.Event()
        grown.set()
        return stored.sequence

    def matching(self, filters: Sequence[str], after: int = 0) -> list[Stored]:
        """The stored events past ``after`` whose subject one of ``filters`` matches."""
        return [
            e
            for e in self.events[after:]
            if any(subject_matches(pattern, e.subject) for pattern in filters)
        ]

    async def run(
        self,
        handler: EventHandler,
        *,
        durable: str,
        filters: Sequence[str],
        stop: asyncio.Event,
        batch_size: int = 500,
    ) -> None:
        position = await handler.position()
        consumer = _Durable(list(filters), position, position)  # bound right after it
        self.consumers[durable] = consumer
        prepare = handler.prepare if isinstance(handler, PreparingHandler) else None
        while not stop.is_set():
            grown = self._grown
            pending = self.matching(consumer.filters, consumer.delivered)[:batch_size]
            if not pending:
                await _first(grown, stop)
                continue
            consumer.delivered = pending[-1].sequence
            batch = _decoded(pending, durable)
            if batch:
                await handler.apply(prepare(batch) if prepare is not None else batch)
            consumer.acked = consumer.delivered


def _decoded(pending: list[Stored], durable: str) -> list[Delivered]:
    batch: list[Delivered] = []
    for stored in pending:
        try:
            batch.append(Delivered(stored.sequence, decode_event(stored.data)))
        except DecodeError as exc:
            log.error(
                "consumer.undecodable_event",
                durable=durable,
                sequence=stored.sequence,
                error=str(exc),
            )
    return batch


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
