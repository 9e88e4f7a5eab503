"""The Go maps' gate: creations and Stops one at a time (a waiting Stop before waiting
creations), and every other Go call sharing it until that call has begun on a thread. The fake
Go calls are pool jobs, as neonize's are (``asyncio.to_thread``); a pool of one thread, taken
by a job the test releases, holds a call "not started yet" for as long as the test needs."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable

import pytest

from services.session.adapters.whatsapp.neonize.go_maps import GoMaps
from services.session.adapters.whatsapp.neonize.threads import CallNeverStarted, CountedThreadPool
from tests.support.waiting import eventually


@pytest.fixture
async def pool() -> AsyncIterator[CountedThreadPool]:
    executor = CountedThreadPool(1, thread_name_prefix="test")
    asyncio.get_running_loop().set_default_executor(executor)
    yield executor
    executor.shutdown(wait=False)


class Thread:
    """The pool's only thread, taken until ``free()``."""

    def __init__(self, pool: CountedThreadPool) -> None:
        self._held = threading.Event()
        self._busy = asyncio.get_running_loop().run_in_executor(pool, self._held.wait)

    async def free(self) -> None:
        self._held.set()
        await self._busy


def go_call(
    order: list[str], name: str, hold: threading.Event | None = None
) -> Callable[[], "asyncio.Future[None]"]:
    """A fake Go call: notes when its thread began it, then runs until ``hold`` is set."""

    def blocking() -> None:
        order.append(name)  # list.append is atomic: safe from the worker thread
        if hold is not None:
            hold.wait()

    return lambda: asyncio.ensure_future(asyncio.to_thread(blocking))


async def turns(n: int = 5) -> None:
    """A few loop turns (deterministic): whatever can run on now has run."""
    for _ in range(n):
        await asyncio.sleep(0)


async def test_a_waiting_stop_goes_before_waiting_creations() -> None:
    maps, order = GoMaps(), []
    first = asyncio.Event()

    async def create(name: str, hold: asyncio.Event | None = None) -> None:
        async with maps.creating():
            order.append(name)
            if hold is not None:
                first.set()
                await hold.wait()

    async def stop() -> None:
        async with maps.stopping():
            order.append("stop")

    release = asyncio.Event()
    running = asyncio.ensure_future(create("c1", release))
    await first.wait()
    queued = [asyncio.ensure_future(create(f"c{n}")) for n in (2, 3)]
    await asyncio.sleep(0)  # one loop turn (deterministic): they run up to the lock
    stopping = asyncio.ensure_future(stop())
    await asyncio.sleep(0)  # and the stop runs up to it too, behind them
    release.set()
    await asyncio.gather(running, stopping, *queued)
    assert order == ["c1", "stop", "c2", "c3"]


async def test_a_creation_waits_for_calls_that_have_not_started_yet(
    pool: CountedThreadPool,
) -> None:
    maps, order = GoMaps(grace_s=0), []
    thread = Thread(pool)
    read = asyncio.ensure_future(maps.begin(go_call(order, "read"), queue_s=60))
    await turns()  # the read is submitted, and waits for the thread

    async def create() -> None:
        async with maps.creating():
            order.append(f"create, the read begun: {read.done()}")

    creation = asyncio.ensure_future(create())
    await turns()
    assert order == [] and not creation.done()  # held back by a read that has not begun
    await thread.free()
    await (await read)
    await creation
    assert sorted(order) == ["create, the read begun: True", "read"]


async def test_a_call_asked_for_while_a_creation_holds_the_gate_waits(
    pool: CountedThreadPool,
) -> None:
    maps, order = GoMaps(grace_s=0), []
    entered, leave = asyncio.Event(), asyncio.Event()

    async def create() -> None:
        async with maps.creating():
            entered.set()
            await leave.wait()
            order.append("created")

    creation = asyncio.ensure_future(create())
    await entered.wait()
    read = asyncio.ensure_future(maps.begin(go_call(order, "read"), queue_s=60))
    await turns()
    assert pool.in_use == 0 and not read.done()  # not even submitted: nothing can run yet
    leave.set()
    await creation
    await (await read)
    assert order == ["created", "read"]


async def test_a_stop_behind_calls_goes_before_calls_asked_for_after_it(
    pool: CountedThreadPool,
) -> None:
    maps, order = GoMaps(grace_s=0), []
    thread = Thread(pool)
    first = asyncio.ensure_future(maps.begin(go_call(order, "first"), queue_s=60))
    await turns()

    async def stop() -> None:
        async with maps.stopping():
            order.append(f"stop, first begun: {first.done()}, later begun: {later.done()}")

    stopping = asyncio.ensure_future(stop())
    await turns()
    later = asyncio.ensure_future(maps.begin(go_call(order, "later"), queue_s=60))
    await turns()
    assert order == [] and pool.in_use == 2  # the busy thread's job and the first call
    await thread.free()
    await asyncio.gather(stopping, *(await asyncio.gather(first, later)))
    # the first call's thread notes it may come after the stop (its grace is 0 here)
    assert order[-1] == "later" and "stop, first begun: True, later begun: False" in order


async def test_a_long_call_lets_a_stop_go_once_it_has_begun(pool: CountedThreadPool) -> None:
    maps, order = GoMaps(grace_s=0), []
    hold = threading.Event()
    try:
        call = await maps.begin(go_call(order, "download", hold), queue_s=60)
        async with maps.stopping():  # while the download still runs in Go
            assert not call.done()
    finally:
        hold.set()
    await call
    assert order == ["download"]


async def test_a_call_held_back_past_its_queue_time_never_runs(pool: CountedThreadPool) -> None:
    maps, order = GoMaps(grace_s=0), []
    async with maps.stopping():  # a Stop that does not come back in time
        with pytest.raises(CallNeverStarted):
            await maps.begin(go_call(order, "send"), queue_s=0.01)
    assert order == [] and pool.in_use == 0


async def test_run_returns_the_calls_result_after_the_grace(pool: CountedThreadPool) -> None:
    maps = GoMaps(grace_s=60)  # the grace ends early when the call does

    async def answer() -> int:
        return await asyncio.to_thread(lambda: 42)

    assert await maps.run(answer(), queue_s=60) == 42

    async def drained() -> bool:
        return pool.in_use == 0

    await eventually(drained)
