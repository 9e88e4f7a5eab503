"""The event log on a real NATS server: idempotent set-up, de-duplicated publishing, and
durable consumption that neither loses nor doubles across a crash or a rebuild."""

from collections.abc import Sequence

import pytest
from nats.js.api import AckPolicy

from contracts.envelope import Envelope, make_event
from contracts.events import SessionCreated
from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.bus import Bus
from runtime.consumer import Delivered, run_consumer
from runtime.eventlog import ensure_stream
from tests.support.waiting import eventually


def created(session: str, tenant: str = "t1") -> Envelope:
    return make_event(SessionCreated(name=f"n-{session}"), tenant=tenant, session=session)


class Recorder:
    """A handler that records its position with its effect, like a real projection."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.applied: list[Delivered] = []
        self.fail_after = fail_after

    async def position(self) -> int:
        return self.applied[-1].sequence if self.applied else 0

    async def apply(self, batch: Sequence[Delivered]) -> None:
        if self.fail_after is not None and len(self.applied) + len(batch) > self.fail_after:
            raise RuntimeError("crash")
        self.applied.extend(batch)


async def test_stream_setup_is_idempotent(bus: Bus) -> None:
    await ensure_stream(bus.js)
    await ensure_stream(bus.js)
    info = await bus.js.stream_info(EVENTS_STREAM)
    assert info.config.subjects == ["wa.evt.>"]


async def test_a_retried_publish_is_deduplicated(bus: Bus) -> None:
    event = created("s1")
    first = await bus.publisher.publish(event)
    again = await bus.publisher.publish(event)
    assert first == again
    info = await bus.js.stream_info(EVENTS_STREAM)
    assert info.state.messages == 1


async def _consume_until(bus: Bus, handler: Recorder, count: int, **kw: object) -> None:
    import asyncio

    stop = asyncio.Event()
    task = asyncio.create_task(
        run_consumer(bus.js, handler, durable="t", filters=[event_filter()], stop=stop, **kw)  # type: ignore[arg-type]
    )

    async def done() -> bool:
        if task.done():
            task.result()
        return len(handler.applied) >= count

    try:
        await eventually(done)
    finally:
        stop.set()
        await task


async def test_consumer_delivers_in_order_with_sequences(bus: Bus) -> None:
    for i in range(20):
        await bus.publisher.publish(created(f"s{i}"))
    handler = Recorder()
    await _consume_until(bus, handler, 20, batch_size=7)
    assert [d.sequence for d in handler.applied] == list(range(1, 21))
    assert [d.event.session for d in handler.applied] == [f"s{i}" for i in range(20)]


ACKNOWLEDGING = pytest.mark.parametrize("acknowledge", [True, False], ids=["acks", "no-acks"])


@ACKNOWLEDGING
async def test_a_crashed_handler_resumes_without_loss_or_doubles(
    bus: Bus, acknowledge: bool
) -> None:
    """Without acknowledgements too: the server delivered past what the handler applied (the
    batch it crashed on, the pulls after it), and binding again starts from its position."""
    for i in range(30):
        await bus.publisher.publish(created(f"s{i}"))
    crashing = Recorder(fail_after=10)
    with pytest.raises(RuntimeError, match="crash"):
        await _consume_until(bus, crashing, 30, batch_size=4, acknowledge=acknowledge)
    info = await bus.js.consumer_info(EVENTS_STREAM, "t")
    assert info.delivered.stream_seq > len(crashing.applied)  # the case this test is about
    survivor = Recorder()
    survivor.applied = list(crashing.applied)
    await _consume_until(bus, survivor, 30, batch_size=4, acknowledge=acknowledge)
    assert [d.sequence for d in survivor.applied] == list(range(1, 31))


@ACKNOWLEDGING
async def test_a_handler_behind_the_consumer_gets_everything_again(
    bus: Bus, acknowledge: bool
) -> None:
    for i in range(10):
        await bus.publisher.publish(created(f"s{i}"))
    await _consume_until(bus, Recorder(), 10, acknowledge=acknowledge)
    fresh = Recorder()  # a new, empty database: position 0, durable consumer ahead of it
    await _consume_until(bus, fresh, 10, acknowledge=acknowledge)
    assert [d.sequence for d in fresh.applied] == list(range(1, 11))


async def test_a_durable_changing_how_it_acknowledges_goes_on_from_the_handlers_position(
    bus: Bus,
) -> None:
    """A durable left by a version that acknowledged is made again without acknowledgements
    (and back), from where the handler is: nothing lost, nothing twice."""
    for i in range(12):
        await bus.publisher.publish(created(f"s{i}"))
    handler = Recorder()
    await _consume_until(bus, handler, 12, acknowledge=True)
    info = await bus.js.consumer_info(EVENTS_STREAM, "t")
    assert info.config.ack_policy == AckPolicy.ALL and info.ack_floor.stream_seq == 12
    for i in range(12, 20):
        await bus.publisher.publish(created(f"s{i}"))
    await _consume_until(bus, handler, 20, acknowledge=False)
    info = await bus.js.consumer_info(EVENTS_STREAM, "t")
    assert info.config.ack_policy == AckPolicy.NONE and info.num_ack_pending == 0
    for i in range(20, 25):
        await bus.publisher.publish(created(f"s{i}"))
    await _consume_until(bus, handler, 25, acknowledge=True)
    assert [d.sequence for d in handler.applied] == list(range(1, 26))
