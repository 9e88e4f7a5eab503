"""The Go maps' lock: one holder at a time, and a waiting Stop goes before waiting creations."""

import asyncio

from services.session.adapters.whatsapp.neonize.go_maps import GoMaps


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
