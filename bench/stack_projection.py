"""Whole-stack benchmark rows 1 and 2: the store's projection of ``message.received`` events
against a raw nats-py read and a naive one-row-per-transaction projection (the measuring code
is ``bench.store_projection``'s: rounds of both back to back, the median of their ratios),
and the time to rebuild the store from a long log."""

import asyncio
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.store_events import event_stream, publish_fast
from bench.store_projection import project, raw_read
from contracts.codec import encode_event
from contracts.envelope import Envelope, make_event
from contracts.events import MessageReceived, SessionCreated
from contracts.subjects import event_subject
from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.service import tune_gc
from runtime.settings import load_settings
from services.store.adapters.rebuild import rebuild_into

__all__ = ["Row", "projection_rows", "rebuild_row"]

Row = tuple[str, str, str, str]  # what, ours, reference, ratio
START = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 50_000
ROUNDS = 3


def received_only(count: int, sessions: int = 20) -> Iterator[Envelope]:
    """``count`` events: one ``session.created`` per session, then ``message.received`` only."""
    for s in range(sessions):
        yield make_event(SessionCreated(name="bench"), tenant="t1", session=f"s{s}")
    for n in range(count - sessions):
        peer = f"2011{n % 997:07d}@s.whatsapp.net"
        payload = MessageReceived(
            message_id=f"in{n}",
            chat_jid=peer,
            sender_jid=peer,
            push_name="Peer",
            text=f"hello {n}",
            sent_at=START + timedelta(milliseconds=n),
        )
        yield make_event(payload, tenant="t1", session=f"s{n % sessions}")


async def publish(js: object, events: Iterator[Envelope]) -> int:
    """Encode and publish in chunks (a million events do not fit in memory as one list)."""
    last, chunk = 0, []
    for e in events:
        chunk.append((event_subject(e.tenant, e.session, e.type), encode_event(e), e.id))
        if len(chunk) == CHUNK:
            last = await publish_fast(js, chunk)  # type: ignore[arg-type]
            chunk = []
    if chunk:
        last = await publish_fast(js, chunk)  # type: ignore[arg-type]
    return last


async def projection_rows(events: int, naive_events: int) -> list[Row]:
    tune_gc()  # as the store service's process does (bench.store_projection does the same)
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(Path(tmp) / "nats")
        await server.start()
        try:
            bus = await open_bus(load_settings({}, nats_url=server.url), "bench")
            assert await publish(bus.js, received_only(events)) == events
            raws, stores = [], []
            for n in range(ROUNDS):  # back to back, as bench.store_projection does
                raws.append((await raw_read(bus.js, events)).wall)
                url = f"sqlite+aiosqlite:///{tmp}/s{n}.db"
                stores.append((await project(bus.js, url, events, False, f"s{n}")).wall)
            naive_url = f"sqlite+aiosqlite:///{tmp}/naive.db"
            naive = (await project(bus.js, naive_url, naive_events, True, "naive")).wall
            await bus.close()
        finally:
            server.stop()
    n = f"{events:,} message.received, median of {ROUNDS} rounds"
    raw, store = statistics.median(raws), statistics.median(stores)
    ratio = statistics.median(s / r for r, s in zip(raws, stores, strict=True))
    return [
        (f"projection: store into SQLite, {n}", f"{store:,.0f} ev/s",
         f"raw nats-py read {raw:,.0f} ev/s", f"{ratio:.2f}"),
        (f"projection: store vs naive (1 row/txn, first {naive_events:,})", f"{store:,.0f} ev/s",
         f"naive {naive:,.0f} ev/s", f"{store / naive:.1f}"),
    ]  # fmt: skip


def _quiet(position: int, target: int, rate: float) -> None:
    if position % 100_000 < 1000:
        print(f"  rebuild {position:,}/{target:,} at {rate:,.0f} ev/s", flush=True)


async def rebuild_row(events: int) -> list[Row]:
    tune_gc()  # as ``wa store rebuild`` does
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(Path(tmp) / "nats")
        await server.start()
        try:
            bus = await open_bus(load_settings({}, nats_url=server.url), "bench")
            began = time.perf_counter()
            assert await publish(bus.js, event_stream(events)) == events
            published = time.perf_counter() - began
            began = time.perf_counter()
            position = await rebuild_into(bus.js, f"sqlite+aiosqlite:///{tmp}/r.db", _quiet)
            took = time.perf_counter() - began
            await bus.close()
        finally:
            server.stop()
    assert position == events, (position, events)
    return [
        (f"rebuild: store from {events:,} mixed events (SQLite)", f"{took:,.1f} s",
         f"publishing them: {published:,.1f} s", f"{events / took:,.0f} ev/s"),
    ]  # fmt: skip


if __name__ == "__main__":
    for row in asyncio.run(projection_rows(20_000, 2_000)) + asyncio.run(rebuild_row(20_000)):
        print(" | ".join(row))
