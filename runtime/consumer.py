"""Durable consumption of the event log, for projections and reactors.

The handler owns its position: it stores the last stream sequence it applied in the same
transaction as its effect, and tells us that position on start. The JetStream durable
consumer only saves work: unless it stands exactly at the handler's position (a crash
between commit and ack, a fresh database, a rebuild), it is recreated to start right
after that position. Redelivered events at or
below the position are skipped, so a crash at any point neither loses nor doubles.
"""

import asyncio
from collections.abc import Sequence
from typing import Protocol

from msgspec import Struct
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from contracts.codec import DecodeError, decode_event
from contracts.envelope import Envelope
from contracts.subjects import EVENTS_STREAM
from runtime.logging import get_logger

__all__ = ["Delivered", "EventHandler", "run_consumer"]

log = get_logger(__name__)


class Delivered(Struct, frozen=True):
    sequence: int
    event: Envelope


class EventHandler(Protocol):
    """A projection or reactor that records its position with its effect."""

    async def position(self) -> int:
        """The last stream sequence this handler has applied (0 for none)."""
        ...

    async def apply(self, batch: Sequence[Delivered]) -> None:
        """Apply the batch and record its last sequence, atomically."""
        ...


async def _bind(
    js: JetStreamContext, durable: str, filters: list[str], position: int
) -> JetStreamContext.PullSubscription:
    config = ConsumerConfig(
        durable_name=durable,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
        opt_start_seq=position + 1,
        ack_policy=AckPolicy.ALL,
        ack_wait=60,
        max_ack_pending=-1,
        filter_subjects=filters,
    )
    try:
        info = await js.consumer_info(EVENTS_STREAM, durable)
        current = sorted(info.config.filter_subjects or [info.config.filter_subject or ""])
        # Anything delivered past our position was never applied: it must come again, and
        # JetStream would hold it back until ack_wait (and AckPolicy.ALL could skip it).
        delivered = info.delivered.stream_seq if info.delivered else 0
        if delivered != position or current != sorted(filters):
            await js.delete_consumer(EVENTS_STREAM, durable)
            raise NotFoundError
    except NotFoundError:
        await js.add_consumer(EVENTS_STREAM, config)
        log.info("consumer.created", durable=durable, start=position + 1)
    return await js.pull_subscribe_bind(durable=durable, stream=EVENTS_STREAM)


async def run_consumer(
    js: JetStreamContext,
    handler: EventHandler,
    *,
    durable: str,
    filters: Sequence[str],
    stop: asyncio.Event,
    batch_size: int = 500,
) -> None:
    """Feed ``handler`` every matching event in order until ``stop`` is set."""
    position = await handler.position()
    sub = await _bind(js, durable, list(filters), position)
    while not stop.is_set():
        try:
            msgs = await sub.fetch(batch_size, timeout=0.5)
        except (TimeoutError, NatsTimeout):  # nats-py 2.16 raises both kinds
            continue
        batch: list[Delivered] = []
        for msg in msgs:
            seq = msg.metadata.sequence.stream
            if seq <= position:
                continue
            try:
                batch.append(Delivered(seq, decode_event(msg.data)))
            except DecodeError as exc:
                log.error(
                    "consumer.undecodable_event", durable=durable, sequence=seq, error=str(exc)
                )
        if batch:
            await handler.apply(batch)
            position = batch[-1].sequence
        if msgs:
            await msgs[-1].ack()
    await sub.unsubscribe()
