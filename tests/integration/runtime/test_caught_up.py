"""Waiting until a durable consumer has caught up with the log: on a real NATS server, and
the wait's own rules (timeout, a consumer that ended) with a stand-in for JetStream."""

import asyncio
from collections.abc import Sequence

import pytest

from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.subjects import event_filter
from runtime.bus import Bus
from runtime.caught_up import drained_on_jetstream, wait_caught_up
from runtime.consumer import Delivered, run_consumer


class Applied:
    def __init__(self) -> None:
        self.sequences: list[int] = []

    async def position(self) -> int:
        return self.sequences[-1] if self.sequences else 0

    async def apply(self, batch: Sequence[Delivered]) -> None:
        self.sequences.extend(item.sequence for item in batch)


async def test_caught_up_once_every_published_event_is_applied(bus: Bus) -> None:
    drained = drained_on_jetstream(bus.js, "kit-caught-up")
    assert not await drained()  # no such consumer yet: not caught up
    published = [
        await bus.publisher.publish(
            make_event(SessionCreated(name="n"), tenant="t1", session=f"s{i}")
        )
        for i in range(20)
    ]
    handler, stop = Applied(), asyncio.Event()
    consuming = asyncio.create_task(
        run_consumer(bus.js, handler, durable="kit-caught-up", filters=[event_filter()], stop=stop)
    )
    assert await wait_caught_up(drained, consuming=consuming, timeout=60)
    assert handler.sequences == published
    stop.set()
    await consuming


async def test_the_wait_gives_up_after_its_timeout() -> None:
    calls = 0

    async def never() -> bool:
        nonlocal calls
        calls += 1
        return False

    assert not await wait_caught_up(never, timeout=0)
    assert calls == 1


async def test_the_wait_polls_until_drained() -> None:
    answers = iter([False, False, True])

    async def drained() -> bool:
        return next(answers)

    assert await wait_caught_up(drained, poll_s=0)


async def test_a_consumer_that_failed_raises_its_error() -> None:
    async def fail() -> None:
        raise RuntimeError("consumer died")

    async def never() -> bool:
        return False

    consuming = asyncio.ensure_future(fail())
    with pytest.raises(RuntimeError, match="consumer died"):
        await wait_caught_up(never, consuming=consuming, poll_s=0)


async def test_a_consumer_that_stopped_is_not_caught_up() -> None:
    async def stopped() -> None:
        return None

    async def never() -> bool:
        return False

    consuming = asyncio.ensure_future(stopped())
    assert not await wait_caught_up(never, consuming=consuming, poll_s=0)
