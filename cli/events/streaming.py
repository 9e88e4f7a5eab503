"""``tail`` and ``replay``: the log as NDJSON on an output, or rewinding a named durable
consumer so whoever reads it gets the events again."""

import asyncio
import dataclasses
from pathlib import Path
from typing import BinaryIO

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, ConsumerInfo
from nats.js.errors import NotFoundError

from cli.events.files import CommandError, read_checkpoint, write_checkpoint
from cli.events.progress import Progress
from cli.events.reading import consumer_config, read_log
from cli.events.records import Selection, Start, encode_record
from contracts.subjects import EVENT_SUBJECTS, EVENTS_STREAM

__all__ = ["replay_to", "rewind_durable", "tail"]


async def tail(
    js: JetStreamContext, out: BinaryIO, *, selection: Selection, stop: asyncio.Event
) -> int:
    """Write each new matching event as it is stored, until stopped."""
    count = 0
    async for batch in read_log(js, selection, None, stop, follow=True):
        out.write(b"".join(encode_record(record) for record in batch.records))
        out.flush()
        count += len(batch.records)
    return count


async def replay_to(
    js: JetStreamContext,
    out: BinaryIO,
    *,
    selection: Selection,
    start: Start,
    stop: asyncio.Event,
    progress: Progress,
    checkpoint: Path | None = None,
    batch_size: int = 500,
) -> int:
    """Write the selected events from ``start``; a ``checkpoint`` records the last one written
    and, when it exists, replaces ``start``, so an interrupted replay resumes after it."""
    if checkpoint is not None and (done := read_checkpoint(checkpoint)) is not None:
        start = Start(seq=done + 1)
    count = 0
    async for batch in read_log(js, selection, start, stop, batch_size=batch_size):
        out.write(b"".join(encode_record(record) for record in batch.records))
        out.flush()
        if checkpoint is not None:
            write_checkpoint(checkpoint, batch.records[-1].seq)
        count += len(batch.records)
        progress.advance(len(batch.records), remaining=batch.remaining)
    return count


async def rewind_durable(
    js: JetStreamContext, durable: str, *, selection: Selection | None, start: Start
) -> int:
    """Recreate ``durable`` to deliver from ``start`` (keeping its other settings, and its
    filter unless ``selection`` is given); returns how many events it will deliver."""
    base = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=30.0)
    info = await _idle_consumer(js, durable)
    if info is not None:
        base = info.config
    wanted = consumer_config(selection or Selection(), start)
    config = dataclasses.replace(
        base,
        name=durable,
        durable_name=durable,
        deliver_policy=wanted.deliver_policy,
        opt_start_seq=wanted.opt_start_seq,
        opt_start_time=wanted.opt_start_time,
    )
    if selection is not None:
        config.filter_subject, config.filter_subjects = selection.filter_subject(), None
    elif not (config.filter_subject or config.filter_subjects):
        config.filter_subject = EVENT_SUBJECTS
    if info is not None:
        await js.delete_consumer(EVENTS_STREAM, durable)
    await js.add_consumer(EVENTS_STREAM, config)
    return (await js.consumer_info(EVENTS_STREAM, durable)).num_pending or 0


async def _idle_consumer(
    js: JetStreamContext, durable: str, grace: float = 3.0
) -> ConsumerInfo | None:
    """The consumer's info once no subscriber is pulling from it (a stopped one's last pull
    request expires within its timeout); None when it does not exist."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    while True:
        try:
            info: ConsumerInfo = await js.consumer_info(EVENTS_STREAM, durable)
        except NotFoundError:
            return None
        if not info.num_waiting:
            return info
        if loop.time() > deadline:
            raise CommandError(f"consumer {durable!r} has a subscriber pulling: stop it first")
        await asyncio.sleep(0.1)
