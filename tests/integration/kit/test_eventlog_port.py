"""The event log ports' one suite, run on JetStream (a real server) and in memory: sequences,
de-duplication by message id, filters, durable positions, and redelivery of what a failed
batch left unacknowledged."""

import asyncio
from collections.abc import Sequence

import pytest

from contracts.codec import encode_event
from contracts.subjects import event_filter, event_subject
from runtime.bus import Bus
from runtime.eventlog import EventPublisher, PublishFailed
from runtime.memory.clock import ManualClock
from runtime.memory.eventlog import MemoryEventLog
from runtime.messaging import Delivered
from runtime.nats_messaging import NatsEventFeed
from tests.integration.kit.event_worlds import Log, Recorder, applied, created, feeding

ALL = [event_filter()]


@pytest.fixture(params=["memory", "nats"])
def world(request: pytest.FixtureRequest) -> Log:
    if request.param == "memory":
        memory = MemoryEventLog()
        return Log(memory, memory)
    bus: Bus = request.getfixturevalue("bus")
    return Log(EventPublisher(bus.js, timeout=1.0, deadline=0.3), NatsEventFeed(bus.js))


async def test_sequences_start_at_one_without_gaps(world: Log) -> None:
    assert [await world.log.publish(created(f"s{i}")) for i in range(3)] == [1, 2, 3]


async def test_an_event_published_again_is_appended_once(world: Log) -> None:
    event = created("s1")
    first = await world.log.publish(event)
    other = await world.log.publish(created("s2"))
    assert await world.log.publish(event) == first
    subject = event_subject(event.tenant, event.session, event.type)
    assert await world.log.publish_encoded(subject, b"ignored", msg_id=event.id) == first
    handler = Recorder()
    async with feeding(world.feed, handler, ALL):
        await applied(handler, 2)
        assert await world.log.publish(created("s3")) == other + 1
        await applied(handler, 3)
    assert handler.sequences == [1, 2, 3]
    assert handler.applied[0].event == event


async def test_encoded_bytes_are_delivered_as_published(world: Log) -> None:
    event = created("s1")
    data = encode_event(event)
    subject = event_subject(event.tenant, event.session, event.type)
    assert await world.log.publish_encoded(subject, data, msg_id=event.id) == 1
    handler = Recorder()
    async with feeding(world.feed, handler, ALL):
        await applied(handler, 1)
    assert handler.applied[0].event == event


async def test_a_subject_outside_the_stream_is_refused(world: Log) -> None:
    with pytest.raises(PublishFailed):
        await world.log.publish_encoded("elsewhere.x", b"{}", msg_id="m1")


async def test_the_feed_delivers_matching_events_in_order(world: Log) -> None:
    for i in range(4):
        await world.log.publish(created(f"s{i}", tenant="t1" if i % 2 else "t2"))
    handler = Recorder()
    async with feeding(world.feed, handler, [event_filter(tenant="t1")]):
        await applied(handler, 2)
        await world.log.publish(created("s9", tenant="t1"))
        await applied(handler, 3)
    assert handler.sequences == [2, 4, 5]
    assert {d.event.tenant for d in handler.applied} == {"t1"}


async def test_a_run_starts_right_after_the_handlers_position(world: Log) -> None:
    for i in range(5):
        await world.log.publish(created(f"s{i}"))
    handler = Recorder()
    async with feeding(world.feed, handler, ALL):
        await applied(handler, 5)
    for i in range(2):
        await world.log.publish(created(f"t{i}"))
    async with feeding(world.feed, handler, ALL):  # the same durable, bound again
        await applied(handler, 7)
    assert handler.sequences == [1, 2, 3, 4, 5, 6, 7]
    ahead = Recorder(position=6)  # e.g. a database restored with a newer position
    async with feeding(world.feed, ahead, ALL):
        await applied(ahead, 1)
    assert ahead.sequences == [7]


async def test_a_failed_batch_is_delivered_again_and_applied_once(world: Log) -> None:
    for i in range(3):
        await world.log.publish(created(f"s{i}"))
    handler = Recorder(fail_at=2)
    stop = asyncio.Event()
    with pytest.raises(RuntimeError, match="the handler failed"):
        await world.feed.run(handler, durable="suite", filters=ALL, stop=stop)
    assert 2 not in handler.sequences
    handler.fail_at = None
    async with feeding(world.feed, handler, ALL):
        await applied(handler, 3)
    assert handler.sequences == [1, 2, 3]


async def test_a_stopped_feed_returns(world: Log) -> None:
    stop = asyncio.Event()
    stop.set()
    await world.feed.run(Recorder(), durable="suite", filters=ALL, stop=stop)


async def test_memory_forgets_message_ids_after_the_window() -> None:
    clock = ManualClock()
    memory = MemoryEventLog(dedupe_s=60, clock=clock)
    event = created("s1")
    assert await memory.publish(event) == 1
    clock.advance(59)
    assert await memory.publish(event) == 1
    clock.advance(61)
    assert await memory.publish(event) == 2


class Preparing(Recorder):
    """A handler with work done ahead of each batch (``PreparingHandler``)."""

    def __init__(self) -> None:
        super().__init__()
        self.prepared: list[int] = []

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        self.prepared += [d.sequence for d in batch]
        return batch


async def test_a_preparing_handler_prepares_each_batch_before_it_is_applied(world: Log) -> None:
    for i in range(3):
        await world.log.publish(created(f"s{i}"))
    handler = Preparing()
    async with feeding(world.feed, handler, ALL):
        await applied(handler, 3)
    assert handler.prepared == handler.sequences == [1, 2, 3]
