"""Store projection speed: raw stream read (nats-py) vs the store projecting into SQLite.

    .venv/bin/python -m bench.store_projection [--events 50000] [--naive 3000]

One run, one embedded NATS server, the same events: prints events/s for (1) reading the
stream with a nats-py ordered consumer, (2) the store's projection (run_consumer + SQLite,
batched), (3) a naive projection that commits one event per transaction; and the ratios.
"""

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.store_events import encoded_stream, publish_fast
from contracts.subjects import event_filter
from runtime.bus import open_bus
from runtime.consumer import Delivered, EventHandler, run_consumer
from runtime.embedded_nats import EmbeddedNats
from runtime.settings import load_settings
from services.store.adapters.database import open_engine
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.bootstrap import BATCH_SIZE


class OneByOne:
    """The naive baseline: every event in its own transaction."""

    def __init__(self, projection: SqlProjection) -> None:
        self._projection = projection

    async def position(self) -> int:
        return await self._projection.position()

    async def apply(self, batch: Sequence[Delivered]) -> None:
        for item in batch:
            await self._projection.apply([item])


async def raw_read(js: object, count: int) -> float:
    done = asyncio.Event()
    seen = 0

    async def on_msg(_: object) -> None:
        nonlocal seen
        seen += 1
        if seen >= count:
            done.set()

    started = time.perf_counter()
    sub = await js.subscribe(event_filter(), ordered_consumer=True, cb=on_msg)  # type: ignore[attr-defined]
    await done.wait()
    elapsed = time.perf_counter() - started
    await sub.unsubscribe()
    return count / elapsed


async def project(js: object, url: str, count: int, naive: bool, name: str) -> float:
    engine = open_engine(url)
    await upgrade(engine)
    sql = SqlProjection(engine)
    handler: EventHandler = OneByOne(sql) if naive else sql
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(
        run_consumer(
            js,
            handler,
            durable=name,
            filters=[event_filter()],
            stop=stop,  # type: ignore[arg-type]
            batch_size=BATCH_SIZE,
        )
    )
    while await sql.position() < count:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    await engine.dispose()
    return count / elapsed


async def main(events: int, naive_events: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(Path(tmp) / "nats")
        await server.start()
        try:
            bus = await open_bus(load_settings({}, nats_url=server.url), "bench")
            items = encoded_stream(events)
            last = await publish_fast(bus.js, items)
            assert last == events, (last, events)
            raw = await raw_read(bus.js, events)
            store = await project(
                bus.js, f"sqlite+aiosqlite:///{tmp}/store.db", events, False, "b1"
            )
            naive = await project(
                bus.js, f"sqlite+aiosqlite:///{tmp}/naive.db", naive_events, True, "b2"
            )
            await bus.close()
        finally:
            server.stop()
    print(f"\nstore projection benchmark ({events} events; naive: first {naive_events})\n")
    print(f"{'reader':<44}{'events/s':>12}{'x raw':>9}")
    rows = [
        ("raw stream read (nats-py ordered consumer)", raw),
        (f"store projection, SQLite, batches of {BATCH_SIZE}", store),
        ("naive projection, one event per transaction", naive),
    ]
    for label, rate in rows:
        print(f"{label:<44}{rate:>12,.0f}{rate / raw:>9.2f}")
    verdict = "meets" if store >= 0.5 * raw else "MISSES"
    print(f"\nstore / raw = {store / raw:.2f} ({verdict} the target of 0.50)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--naive", type=int, default=3_000)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.naive))
