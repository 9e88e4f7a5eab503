"""Durable consumption of the event log, for projections and reactors.

The handler owns its position: it stores the last stream sequence it applied in the same
transaction as its effect, and tells us that position on start. The JetStream durable
consumer only saves work: unless it stands exactly at the handler's position (a crash
between commit and ack, a fresh database, a rebuild), it is recreated to start right
after that position. Redelivered events at or below the position are skipped, so a crash
at any point neither loses nor doubles. A pull cut short by the server (consumer deleted,
leader change) or a JetStream that does not answer binds again from the handler's
position, here, so no caller needs a retry loop of its own.
"""

import asyncio
import contextlib
from collections import deque
from collections.abc import Coroutine, Sequence
from typing import Any

from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError, ServiceUnavailableError

from contracts.codec import DecodeError, decode_logged
from contracts.subjects import EVENTS_STREAM
from runtime.logging import get_logger
from runtime.messaging import Delivered, EventHandler, PreparingHandler
from runtime.nats_private import connection_of
from runtime.nats_tap import TappedPuller
from runtime.pull import Puller, PullInterrupted

__all__ = ["Delivered", "EventHandler", "PreparingHandler", "run_consumer"]

log = get_logger(__name__)


async def _bind(
    js: JetStreamContext, durable: str, filters: list[str], position: int, acknowledge: bool = True
) -> int:
    """Make the durable stand right after ``position``; returns the consumer sequence its next
    delivery will carry (deliveries are numbered without gaps, redeliveries included)."""
    config = ConsumerConfig(
        durable_name=durable,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
        opt_start_seq=position + 1,
        ack_policy=AckPolicy.ALL if acknowledge else AckPolicy.NONE,
        ack_wait=60,
        max_ack_pending=-1,
        filter_subjects=filters,
    )
    try:
        info = await js.consumer_info(EVENTS_STREAM, durable)
        current = sorted(info.config.filter_subjects or [info.config.filter_subject or ""])
        # Anything delivered past our position was never applied: it must come again, and
        # JetStream would hold it back until ack_wait (and AckPolicy.ALL could skip it).
        # Delivered up to our position but not all acknowledged (a crash between commit and
        # ack): those would come back only after ack_wait and keep "num_ack_pending" up.
        delivered = info.delivered.stream_seq if info.delivered else 0
        acked = info.ack_floor.stream_seq if info.ack_floor else 0
        settled = delivered == position and acked == position
        changed = current != sorted(filters) or info.config.ack_policy != config.ack_policy
        if not settled or changed:
            await js.delete_consumer(EVENTS_STREAM, durable)
            raise NotFoundError
        return (info.delivered.consumer_seq if info.delivered else 0) + 1
    except NotFoundError:
        await js.add_consumer(EVENTS_STREAM, config)
        log.info("consumer.created", durable=durable, start=position + 1)
        return 1


_REBIND = (PullInterrupted, NatsTimeout, TimeoutError, ServiceUnavailableError, NoRespondersError)


async def run_consumer(
    js: JetStreamContext,
    handler: EventHandler,
    *,
    durable: str,
    filters: Sequence[str],
    stop: asyncio.Event,
    batch_size: int = 500,
    pulling: type[Puller] = TappedPuller,
    acknowledge: bool = True,
) -> None:
    """Feed ``handler`` every matching event in order until ``stop`` is set.

    Errors of the handler propagate; interruptions of JetStream bind again from the
    handler's recorded position. ``pulling``: how deliveries are taken (bench/pull_intake.py
    measures the choices). ``acknowledge``: acknowledge each applied batch (AckPolicy.ALL).
    Without (AckPolicy.NONE) the server keeps no account of what is unacknowledged, and
    nothing is lost either: every bind starts over from the handler's recorded position
    whenever the server delivered past it. But the consumer's info no longer tells what the
    handler applied (``runtime/caught_up.py`` needs the acknowledgements).
    """
    while not stop.is_set():
        try:
            await _consume(
                js, handler, durable, list(filters), stop, batch_size, pulling, acknowledge
            )
        except _REBIND as exc:
            log.warning("consumer.rebinding", durable=durable, reason=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)


async def _consume(
    js: JetStreamContext,
    handler: EventHandler,
    durable: str,
    filters: list[str],
    stop: asyncio.Event,
    batch_size: int,
    pulling: type[Puller],
    acknowledge: bool,
) -> None:
    position = await handler.position()
    first = await _bind(js, durable, filters, position, acknowledge)
    puller = pulling(connection_of(js), durable, batch_size, first)
    await puller.start()
    quiet = 0  # pulls in a row that brought nothing
    prepare = handler.prepare if isinstance(handler, PreparingHandler) else None
    depth = max(1, int(getattr(handler, "in_flight", 1))) if prepare is not None else 1
    # Batch k is applied while batch k+1 is received, decoded and prepared. A preparing
    # handler may take ``in_flight`` batches at once if its applies end in the order they
    # began; otherwise one at a time. A batch is acknowledged only once applied.
    applying: deque[_Applying] = deque()
    try:
        while not stop.is_set():
            deliveries = await puller.next_batch()
            quiet = 0 if deliveries else quiet + 1
            if quiet % QUIET_CHECK == QUIET_CHECK - 1:
                await _check_nothing_lost(js, durable, puller.next_delivery)
            batch: list[Delivered] = []
            for seq, data, _ in deliveries:
                if seq <= position:
                    continue
                try:
                    batch.append(Delivered(seq, *decode_logged(data)))
                except DecodeError as exc:
                    log.error(
                        "consumer.undecodable_event", durable=durable, sequence=seq, error=str(exc)
                    )
            work = prepare(batch) if prepare is not None and batch else batch
            while len(applying) >= depth or (applying and not work):
                await applying.popleft().finish()
            if work:
                position = work[-1].sequence
                acks = puller if acknowledge else None
                applying.append(_Applying(handler.apply(work), acks, deliveries[-1][2]))
            elif deliveries and acknowledge:
                await puller.ack(deliveries[-1][2])  # nothing to apply, nothing applying: all done
    except BaseException:
        for unfinished in applying:  # the first error is the one to report
            with contextlib.suppress(Exception):
                await unfinished.finish()
        raise
    else:
        for unfinished in applying:
            await unfinished.finish()
    finally:
        await puller.close()


QUIET_CHECK = 20  # empty pulls (two requests open, each expiring after 0.5 s: ~5 s) before
# asking the server what it delivered


async def _check_nothing_lost(js: JetStreamContext, durable: str, next_delivery: int) -> None:
    """After a quiet while: if the server delivered more than arrived, bind again now."""
    try:
        info = await js.consumer_info(EVENTS_STREAM, durable)
    except NotFoundError:
        raise PullInterrupted("the consumer is gone") from None
    delivered = info.delivered.consumer_seq if info.delivered else 0
    if delivered >= next_delivery:
        raise PullInterrupted(f"deliveries {next_delivery}..{delivered} lost in transit")


class _Applying:
    """A batch being applied in the background; acknowledged once it is (when acknowledging)."""

    def __init__(self, work: Coroutine[Any, Any, None], puller: Puller | None, last: bytes) -> None:
        """``puller``: where to acknowledge ``last`` once applied (None: not acknowledged)."""
        self._task = asyncio.ensure_future(self._apply_then_ack(work, puller, last))

    @staticmethod
    async def _apply_then_ack(
        work: Coroutine[Any, Any, None], puller: Puller | None, last: bytes
    ) -> None:
        await work
        if puller is not None:
            await puller.ack(last)  # at once: reactors wait for nothing pending

    async def finish(self) -> None:
        await self._task
