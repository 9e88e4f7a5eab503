"""How the consumer takes its deliveries: nats-py internals tapped vs nats-py's public API,
each feeding the store's projection (SQLite), side by side on the same stream.

    .venv/bin/python -m bench.pull_intake [--events 50000] [--rounds 5]

One embedded NATS server, the same events (bench/store_events.py). Each round projects the
stream three times into fresh databases, back to back, with ``run_consumer`` taking its
deliveries (1) tapped at nats-py's parser (``TappedPuller``, runtime/nats_tap.py: today's),
(2) through a public subscription on the puller's inbox, the same two pull requests open
(``Puller``, runtime/pull.py: a ``Msg`` each), (3) through nats-py's pull subscription
(``fetch`` of the batch size, one request at a time). The verdict: the median over the
rounds of public / tapped must be at least 0.90 for the public API to replace the tap.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
from pathlib import Path

from nats.errors import TimeoutError as NatsTimeout

from bench.store_events import encoded_stream, publish_fast
from bench.store_projection import Rate, project
from contracts.subjects import EVENTS_STREAM
from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.nats_tap import TappedPuller
from runtime.pull import Delivery, Puller
from runtime.service import tune_gc
from runtime.settings import load_settings

__all__ = ["FetchPuller"]

TARGET = 0.90


class FetchPuller(Puller):
    """nats-py's pull subscription bound to the durable: ``fetch`` of the batch size."""

    async def start(self) -> None:
        self._psub = await self._nc.jetstream().pull_subscribe_bind(
            self._durable, stream=EVENTS_STREAM
        )

    async def next_batch(self) -> list[Delivery]:
        try:
            msgs = await self._psub.fetch(self._batch, timeout=0.5)
        except NatsTimeout:
            return []
        return [(m.metadata.sequence.stream, m.data, m.reply.encode()) for m in msgs]

    async def close(self) -> None:
        await self._psub.unsubscribe()


READERS: list[tuple[str, type[Puller]]] = [
    ("tapped at nats-py's parser (today)", TappedPuller),
    ("public subscription, 2 pulls open", Puller),
    ("public pull subscription, fetch", FetchPuller),
]


async def main(events: int, rounds: int) -> None:
    tune_gc()
    rates: dict[str, list[Rate]] = {label: [] for label, _ in READERS}
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(Path(tmp) / "nats")
        await server.start()
        try:
            bus = await open_bus(load_settings({}, nats_url=server.url), "bench")
            assert await publish_fast(bus.js, encoded_stream(events)) == events
            for n in range(rounds):
                for i, (label, pulling) in enumerate(READERS):
                    url = f"sqlite+aiosqlite:///{tmp}/store{n}-{i}.db"
                    name = f"intake{n}-{i}"
                    rates[label].append(await project(bus.js, url, events, False, name, pulling))
            await bus.close()
        finally:
            server.stop()
    today = rates[READERS[0][0]]
    print(f"\nconsumer intake: store projection of {events:,} events, {rounds} rounds")
    print(f"(load average {os.getloadavg()[0]:.1f})\n")
    print("| intake | events/s (rounds) | median | median of round ratios vs today |")
    print("|---|---:|---:|---:|")
    for label, _ in READERS:
        walls = [r.wall for r in rates[label]]
        ratios = [r.wall / t.wall for r, t in zip(rates[label], today, strict=True)]
        print(
            f"| {label} | {min(walls):,.0f}-{max(walls):,.0f} | {statistics.median(walls):,.0f}"
            f" | {statistics.median(ratios):.2f} |"
        )
    public = statistics.median(
        r.wall / t.wall for r, t in zip(rates[READERS[1][0]], today, strict=True)
    )
    verdict = "reaches" if public >= TARGET else "does NOT reach"
    print(f"\npublic subscription / tapped = {public:.2f}: {verdict} {TARGET:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rounds))
