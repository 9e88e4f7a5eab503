"""A live read of the event log for one client: an ephemeral JetStream consumer that starts
right after a given stream sequence, filtered to one tenant (and optionally one session and
some event types). Deletes its consumer on close; the server drops it anyway when idle."""

import asyncio
from collections.abc import Sequence

from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import APIError, NotFoundError

from contracts.codec import DecodeError, decode_logged
from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.consumer import Delivered
from runtime.logging import get_logger
from runtime.rpc import BackendUnavailable

__all__ = ["EventTail", "tail_filters"]

log = get_logger(__name__)
_UNAVAILABLE = (NatsTimeout, NoRespondersError, ConnectionClosedError)


def tail_filters(tenant: str, session: str | None, types: Sequence[str]) -> list[str]:
    """Subject filters that can only match the tenant's own events."""
    scope = session or "*"
    return [event_filter(tenant, scope, kind) for kind in types] or [event_filter(tenant, scope)]


class EventTail:
    """Events after ``position``, in stream order, each exactly once."""

    def __init__(self, js: JetStreamContext, filters: list[str], position: int) -> None:
        self._js = js
        self._filters = filters
        self.position = position
        self._consumer: str | None = None
        self._sub: JetStreamContext.PullSubscription | None = None

    @classmethod
    async def open(cls, js: JetStreamContext, filters: list[str], after: int | None) -> "EventTail":
        """Start after ``after``; ``None``: after the last event in the log now."""
        try:
            if after is None:
                after = (await js.stream_info(EVENTS_STREAM)).state.last_seq
            tail = cls(js, filters, after)
            await tail._subscribe()
        except (*_UNAVAILABLE, APIError) as exc:  # APIError: e.g. the consumer limit is reached
            raise BackendUnavailable(f"the event log is unavailable: {exc!r}") from exc
        return tail

    async def _subscribe(self) -> None:
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=self.position + 1,
            ack_policy=AckPolicy.NONE,
            filter_subjects=self._filters,
            inactive_threshold=60.0,
            mem_storage=True,
            num_replicas=1,
        )
        info = await self._js.add_consumer(EVENTS_STREAM, config)
        self._consumer = info.name
        self._sub = await self._js.pull_subscribe_bind(consumer=info.name, stream=EVENTS_STREAM)

    async def next(self, timeout: float, batch: int = 256) -> list[Delivered]:
        """The next events, or [] when none came within ``timeout`` seconds."""
        try:
            if self._sub is None:
                await self._subscribe()
            assert self._sub is not None
            # One message first: nats-py's fetch of a batch waits out its whole timeout once
            # anything has arrived, which would delay a live event by up to ``timeout``.
            msgs = await self._sub.fetch(1, timeout=timeout)
            msgs += await self._pending(batch)
        except (TimeoutError, NatsTimeout):  # nats-py raises either when nothing came
            return []
        except (NotFoundError, APIError, *_UNAVAILABLE) as exc:
            # The consumer is gone (idle too long, a NATS restart): start again where we were.
            log.warning("event_tail.resubscribe", position=self.position, error=repr(exc))
            await self._drop()
            await asyncio.sleep(min(timeout, 1.0))  # back off while NATS is away
            return []
        found: list[Delivered] = []
        for msg in msgs:
            sequence = msg.metadata.sequence.stream
            if sequence <= self.position:
                continue
            self.position = sequence
            try:
                found.append(Delivered(sequence, *decode_logged(msg.data)))
            except DecodeError as exc:
                log.error("event_tail.undecodable_event", sequence=sequence, error=str(exc))
        return found

    async def _pending(self, batch: int) -> list[Msg]:
        """Whatever else is already waiting (a replay after Last-Event-ID), without lingering."""
        assert self._sub is not None
        try:
            return await self._sub.fetch(batch, timeout=0.05)
        except (TimeoutError, NatsTimeout):
            return []

    async def _drop(self) -> None:
        sub, consumer, self._sub, self._consumer = self._sub, self._consumer, None, None
        if sub is not None:
            try:
                await sub.unsubscribe()
            except Exception as exc:  # closing: the connection may already be gone
                log.debug("event_tail.unsubscribe_failed", error=repr(exc))
            # nats-py keeps a subscription and its message iterator in a reference cycle, which
            # only the cyclic collector frees (rarely run: runtime.service.tune_gc), so closed
            # streams piled up. Broken here, the subscription goes by reference counting.
            sub._sub._message_iterator = None
        if consumer is not None:
            try:
                await self._js.delete_consumer(EVENTS_STREAM, consumer)
            except Exception as exc:  # the server drops idle consumers on its own
                log.debug("event_tail.delete_failed", consumer=consumer, error=repr(exc))

    async def close(self) -> None:
        await self._drop()
