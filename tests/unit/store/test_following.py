"""A replica that does not project: its queries wait for the projector's position as the
database records it, read when a query starts waiting, when an announcement comes, and
while queries wait."""

import asyncio

from services.store.service_layer.following import PositionFollower
from services.store.service_layer.position import PositionWatch


class RecordedPosition:
    """The positions table, as the follower reads it; counts the reads."""

    def __init__(self) -> None:
        self.value = 0
        self.reads = 0
        self.read_once = asyncio.Event()

    async def __call__(self) -> int:
        self.reads += 1
        self.read_once.set()
        return self.value


async def test_a_waiting_query_is_released_once_the_recorded_position_reaches_it() -> None:
    recorded, watch = RecordedPosition(), PositionWatch()
    follower = PositionFollower(watch, recorded, poll_s=0.01)
    following = asyncio.create_task(follower.run())
    try:
        waiting = asyncio.create_task(watch.wait_for(5, timeout=30))
        await recorded.read_once.wait()  # it read at once, found 0, and keeps waiting
        assert not waiting.done()
        recorded.value = 5  # the projector commits; its announcement may be lost
        assert await waiting
        assert watch.position == 5
    finally:
        following.cancel()


async def test_an_announcement_wakes_the_follower_while_a_query_waits() -> None:
    recorded, watch = RecordedPosition(), PositionWatch()
    follower = PositionFollower(watch, recorded, poll_s=3600)  # no polling: only the hint
    following = asyncio.create_task(follower.run())
    try:
        waiting = asyncio.create_task(watch.wait_for(7, timeout=30))
        await recorded.read_once.wait()
        recorded.value = 7
        follower.announced(7)
        assert await waiting
    finally:
        following.cancel()
