"""``wa events`` replay, tail, stats and inspect against a real NATS server."""

import asyncio
import io
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli.events.files import CommandError
from cli.events.lookup import inspect_event, log_stats
from cli.events.progress import Progress
from cli.events.records import Record, Selection, Start, decode_record
from cli.events.streaming import replay_to, tail
from contracts.envelope import Envelope
from contracts.events import CURRENT_VERSIONS
from contracts.subjects import EVENTS_STREAM
from runtime.bus import Bus
from runtime.embedded_nats import EmbeddedNats
from tests.integration.events_cli.logdata import publish_all, varied_events
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]


def quiet(stop: asyncio.Event | None = None, limit: int = 10**9) -> Progress:
    return StopsAfter(stop or asyncio.Event(), limit)


class StopsAfter(Progress):
    """The real progress reporter, which also presses Ctrl-C after ``limit`` events."""

    def __init__(self, stop: asyncio.Event, limit: int) -> None:
        super().__init__("replay", out=io.StringIO(), interactive=False)
        self.stop, self.limit = stop, limit

    def advance(self, count: int = 1, *, remaining: int | None = None) -> None:
        super().advance(count, remaining=remaining)
        if self.done >= self.limit:
            self.stop.set()


def lines(out: io.BytesIO) -> list[Record]:
    return [decode_record(line) for line in out.getvalue().splitlines(keepends=True)]


def ids(found: list[Record]) -> list[str]:
    return [json.loads(bytes(r.event))["id"] for r in found]


async def replay(bus: Bus, selection: Selection, start: Start) -> list[Record]:
    out = io.BytesIO()
    await replay_to(bus.js, out, selection=selection, start=start, stop=asyncio.Event(),
                    progress=quiet(), batch_size=9)  # fmt: skip
    return lines(out)


async def test_replay_from_a_sequence_from_a_time_and_for_one_session(bus: Bus) -> None:
    before, after = varied_events(30), varied_events(12, offset=30)
    await publish_all(bus, before)
    boundary = datetime.now(UTC)
    await publish_all(bus, after)
    everything = before + after

    assert ids(await replay(bus, Selection(), Start())) == [e.id for e in everything]
    from_seq = await replay(bus, Selection(), Start(seq=25))
    assert [r.seq for r in from_seq] == list(range(25, 43))
    assert ids(await replay(bus, Selection(), Start(time=boundary))) == [e.id for e in after]
    one = await replay(bus, Selection(session="s2"), Start(seq=10))
    expected = [e.id for n, e in enumerate(everything, start=1) if e.session == "s2" and n >= 10]
    assert ids(one) == expected
    messages = await replay(bus, Selection(tenant="acme", type="message"), Start())
    assert {json.loads(bytes(r.event))["type"] for r in messages} == {
        "message.sent", "message.received"
    }  # fmt: skip
    assert all(json.loads(bytes(r.event))["tenant"] == "acme" for r in messages)


async def test_a_stopped_replay_resumes_from_its_checkpoint(bus: Bus, tmp_path: Path) -> None:
    published = varied_events(40)
    await publish_all(bus, published)
    checkpoint, out = tmp_path / "replay.checkpoint", io.BytesIO()
    stop = asyncio.Event()
    await replay_to(bus.js, out, selection=Selection(), start=Start(), stop=stop,
                    progress=quiet(stop, 15), checkpoint=checkpoint, batch_size=6)  # fmt: skip
    assert 15 <= len(lines(out)) < 40
    assert checkpoint.read_text().strip() == str(lines(out)[-1].seq)
    await replay_to(bus.js, out, selection=Selection(), start=Start(), stop=asyncio.Event(),
                    progress=quiet(), checkpoint=checkpoint, batch_size=6)  # fmt: skip
    assert ids(lines(out)) == [e.id for e in published]


async def test_tail_follows_new_events_through_its_filters(bus: Bus) -> None:
    await publish_all(bus, varied_events(6))  # already in the log: not tailed
    out, stop = io.BytesIO(), asyncio.Event()
    task = asyncio.create_task(tail(bus.js, out, selection=Selection(tenant="acme"), stop=stop))

    async def consumers() -> list[str]:
        return [info.name for info in await bus.js.consumers_info(EVENTS_STREAM)]

    async def tailing() -> bool:
        return any(name.startswith("wa-events-") for name in await consumers())

    async def caught_up() -> bool:
        return ids(lines(out)) == wanted

    await eventually(tailing)
    fresh = varied_events(9, offset=6)
    wanted = [e.id for e in fresh if e.tenant == "acme"]
    await publish_all(bus, fresh)
    await eventually(caught_up)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert await consumers() == []  # it cleans up after itself


async def test_stats_counts_by_type_and_by_session(bus: Bus, nats_server: EmbeddedNats) -> None:
    published = varied_events(25)
    await publish_all(bus, published)
    stats = await log_stats(bus.js, Selection())
    assert stats.total == 25 and not stats.partial
    assert stats.by_type == dict(Counter(e.type for e in published))
    assert stats.by_session == dict(Counter(f"{e.tenant}/{e.session}" for e in published))
    acme = await log_stats(bus.js, Selection(tenant="acme"))
    assert acme.total == sum(1 for e in published if e.tenant == "acme")

    command = [sys.executable, "-m", "cli.main", "events", "stats", "--json", "--type",
               "message.received", "--nats-url", nats_server.url]  # fmt: skip
    shown = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    received = sum(1 for e in published if e.type == "message.received")
    assert json.loads(shown.stdout)["by_type"] == {"message.received": received}


async def test_inspect_shows_one_stored_event(bus: Bus) -> None:
    published: list[Envelope] = varied_events(5)
    await publish_all(bus, published)
    shown = await inspect_event(bus.js, 3)
    assert shown["seq"] == 3 and shown["event"]["id"] == published[2].id
    assert shown["headers"]["Nats-Msg-Id"] == published[2].id
    assert (
        shown["subject"]
        == f"wa.evt.{published[2].tenant}.{published[2].session}.{published[2].type}"
    )
    assert shown["decoded"] == f"{published[2].type} v{CURRENT_VERSIONS[published[2].type]}"
    with pytest.raises(CommandError, match="no event at stream sequence 99"):
        await inspect_event(bus.js, 99)
