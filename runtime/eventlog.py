"""The event log: one JetStream stream, created idempotently; publishing with de-duplication."""

import asyncio

from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NoStreamResponseError, NotFoundError

from contracts.codec import encode_event
from contracts.envelope import Envelope
from contracts.subjects import EVENT_SUBJECTS, EVENTS_STREAM, event_subject
from runtime.logging import get_logger

__all__ = ["EventPublisher", "PublishFailed", "ensure_stream"]

log = get_logger(__name__)


class PublishFailed(RuntimeError):
    """The log did not acknowledge an event before the deadline."""


async def ensure_stream(
    js: JetStreamContext, *, replicas: int = 1, dedupe_s: float = 600, owner: bool = True
) -> None:
    """Create the events stream or update its settings; safe to call from any service. Not
    the ``owner`` (a locked bus lets only the event publishers set it): wait until it exists."""
    config = StreamConfig(
        name=EVENTS_STREAM,
        subjects=[EVENT_SUBJECTS],
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        num_replicas=replicas,
        duplicate_window=dedupe_s,
        allow_direct=True,
    )
    try:
        await js.stream_info(EVENTS_STREAM)
        if not owner:
            return
    except NotFoundError:
        if not owner:
            raise
        try:
            await js.add_stream(config)
            log.info("eventlog.stream_created", stream=EVENTS_STREAM, replicas=replicas)
            return
        except APIError as exc:
            if exc.err_code != 10058:  # created concurrently by another service: fine
                raise
    await js.update_stream(config)


class EventPublisher:
    """Appends envelopes; a retry carries the same ``Nats-Msg-Id`` and is de-duplicated."""

    def __init__(self, js: JetStreamContext, *, timeout: float = 5.0, deadline: float = 60.0):
        self._js = js
        self._timeout = timeout
        self._deadline = deadline

    async def publish(self, envelope: Envelope) -> int:
        """Append one event; returns its stream sequence (the original one for a duplicate)."""
        subject = event_subject(envelope.tenant, envelope.session, envelope.type)
        return await self.publish_encoded(subject, encode_event(envelope), msg_id=envelope.id)

    async def publish_encoded(self, subject: str, data: bytes, *, msg_id: str) -> int:
        """Append an event already encoded, as it is; retried until the deadline."""
        headers = {"Nats-Msg-Id": msg_id}
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._deadline
        delay = 0.05
        while True:
            try:
                ack = await self._js.publish(
                    subject, data, timeout=self._timeout, stream=EVENTS_STREAM, headers=headers
                )
                return int(ack.seq)
            except (
                NatsTimeout,
                NoRespondersError,
                NoStreamResponseError,
                ConnectionClosedError,
                APIError,
            ) as exc:
                if loop.time() + delay > give_up:
                    raise PublishFailed(f"{subject} {msg_id}: {exc!r}") from exc
                log.warning("eventlog.publish_retry", event_id=msg_id, error=repr(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
