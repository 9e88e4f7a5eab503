"""Reading the log in stream order through a short-lived consumer of our own (no acks), so
reading never disturbs the services' durable consumers."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress

import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from cli.events.records import Record, Selection, Start
from contracts.ids import new_id
from contracts.subjects import EVENTS_STREAM

__all__ = ["Batch", "read_log"]


class Batch(msgspec.Struct, frozen=True):
    """Records in stream order, and how many matching events were left after the last one."""

    records: list[Record]
    remaining: int


def consumer_config(selection: Selection, start: Start | None) -> ConsumerConfig:
    """``start`` None: only events stored from now on (tail)."""
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE,
        filter_subject=selection.filter_subject(),
        inactive_threshold=60.0,
        mem_storage=True,
        num_replicas=1,
        deliver_policy=DeliverPolicy.NEW,
    )
    if start is not None and start.seq is not None:
        config.deliver_policy = DeliverPolicy.BY_START_SEQUENCE
        config.opt_start_seq = max(start.seq, 1)
    elif start is not None and start.time is not None:
        config.deliver_policy = DeliverPolicy.BY_START_TIME
        config.opt_start_time = start.time
    elif start is not None:
        config.deliver_policy = DeliverPolicy.ALL
    return config


async def read_log(
    js: JetStreamContext,
    selection: Selection,
    start: Start | None,
    stop: asyncio.Event,
    *,
    follow: bool = False,
    batch_size: int = 500,
) -> AsyncIterator[Batch]:
    """Yield batches until the matching events are exhausted (or, ``follow``, until stopped)."""
    config = consumer_config(selection, start)
    config.name = f"wa-events-{new_id()}"
    await js.add_consumer(EVENTS_STREAM, config)
    sub = await js.pull_subscribe_bind(stream=EVENTS_STREAM, name=config.name)
    try:
        remaining = (await sub.consumer_info()).num_pending or 0
        while not stop.is_set() and (follow or remaining > 0):
            try:
                msgs = await sub.fetch(batch_size, timeout=0.5)
            except TimeoutError:  # nats-py raises its own subclass, or a bare one
                continue
            records = [
                Record(
                    seq=msg.metadata.sequence.stream,
                    subject=msg.subject,
                    time=msg.metadata.timestamp,
                    event=msgspec.Raw(msg.data),
                )
                for msg in msgs
            ]
            if records:
                remaining = msgs[-1].metadata.num_pending
                yield Batch(records, remaining)
    finally:
        with suppress(Exception):
            await sub.unsubscribe()
        with suppress(Exception):
            await js.delete_consumer(EVENTS_STREAM, config.name)
