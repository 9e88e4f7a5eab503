"""``wa events replay --into DURABLE`` rewinds a named durable consumer; replaying into a
projection is idempotent, for another team's subscriber and for the platform's own."""

import asyncio
import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli.events.records import Selection, Start
from cli.events.streaming import rewind_durable
from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.bus import Bus
from runtime.consumer import Delivered, run_consumer
from runtime.embedded_nats import EmbeddedNats
from tests.integration.events_cli.logdata import publish_all, varied_events
from tests.integration.events_cli.test_example_subscriber import example, received, rows, run_until
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]


async def test_replaying_into_a_subscribers_durable_changes_nothing(
    bus: Bus, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    await publish_all(bus, [received("acme", f"s{n % 2}", n) for n in range(6)])
    db = str(tmp_path / "inbox.sqlite")
    first = example.Subscriber(bus.js, example.Inbox(db), tenant="acme", durable="team-b")
    await run_until(first, lambda: first.processed == 6)
    before = rows(Path(db))

    command = [sys.executable, "-m", "cli.main", "events", "--nats-url", nats_server.url,
               "replay", "--into", "team-b"]  # fmt: skip
    shown = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(shown.stdout) == {"durable": "team-b", "pending": 6}
    info = await bus.js.consumer_info(EVENTS_STREAM, "team-b")
    assert info.config.filter_subject == event_filter("acme", event_type="message.received")

    again = example.Subscriber(bus.js, example.Inbox(db), tenant="acme", durable="team-b")
    await run_until(again, lambda: again.duplicates == 6)
    assert again.processed == 0 and rows(Path(db)) == before


class Projection:
    """A projection that records its position with its effect (as the store does)."""

    def __init__(self) -> None:
        self.applied: list[Delivered] = []

    async def position(self) -> int:
        return self.applied[-1].sequence if self.applied else 0

    async def apply(self, batch: Sequence[Delivered]) -> None:
        self.applied.extend(batch)


async def _project(bus: Bus, projection: Projection, count: int) -> None:
    stop = asyncio.Event()

    async def supervised() -> None:
        while not stop.is_set():
            try:
                await run_consumer(
                    bus.js, projection, durable="store", filters=[event_filter()], stop=stop
                )
            except TimeoutError:
                # runtime/consumer.py catches only nats' TimeoutError, and an idle fetch can
                # raise a bare one (nats-py 2.16): restart it, as a supervisor would.
                continue

    task = asyncio.create_task(supervised())

    async def caught_up() -> bool:
        if task.done():
            task.result()
        if len(projection.applied) < count:
            return False
        info = await bus.js.consumer_info(EVENTS_STREAM, "store")
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)

    await eventually(caught_up)
    stop.set()
    await task


async def test_replaying_into_a_platform_projection_applies_nothing_twice(bus: Bus) -> None:
    await publish_all(bus, varied_events(12))
    projection = Projection()
    await _project(bus, projection, 12)
    assert await rewind_durable(bus.js, "store", selection=None, start=Start(seq=1)) == 12
    await publish_all(bus, varied_events(3, offset=12))
    await _project(bus, projection, 15)
    assert [d.sequence for d in projection.applied] == list(range(1, 16))
    assert await rewind_durable(
        bus.js, "store", selection=Selection(session="s1"), start=Start()
    ) == sum(1 for e in varied_events(15) if e.session == "s1")
    future = datetime.now(UTC) + timedelta(hours=1)
    assert await rewind_durable(bus.js, "store", selection=None, start=Start(time=future)) == 0
    info = await bus.js.consumer_info(EVENTS_STREAM, "store")
    assert info.config.filter_subject == event_filter(session="s1")  # kept from the last rewind
