"""Rebuild and replay: a database rebuilt from sequence 1 equals the live one; `wa store
rebuild` swaps a SQLite rebuild in (never under a running store); a store started on the
rebuilt or an empty database catches up by itself."""

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import encoded_stream, publish_fast
from contracts.codec import encode_event
from contracts.subjects import event_filter, event_subject
from runtime.bus import Bus
from runtime.consumer import run_consumer
from runtime.rpc import serve_ping
from runtime.settings import Settings
from runtime.sql.engine import open_engine
from services.store.adapters.checksum import table_checksums
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.adapters.rebuild import rebuild_into
from tests.integration.store.chat_scenario import encoded_chat_events
from tests.integration.store.conftest import DbFactory
from tests.integration.store.group_events import encoded_group_stream
from tests.support.conversation_events import conversation
from tests.support.waiting import eventually

EVENTS = 3000
GROUP_EVENTS = 600
ROOT = Path(__file__).resolve().parents[3]


class LiveStore:
    """The store's projection running in this process, as the service runs it."""

    def __init__(self, bus: Bus, engine: AsyncEngine) -> None:
        self.bus, self.engine = bus, engine
        self.stop = asyncio.Event()
        self.projection = SqlProjection(engine)
        self.task = asyncio.create_task(
            run_consumer(
                bus.js,
                self.projection,
                durable="store",
                filters=[event_filter()],
                stop=self.stop,
            )
        )

    async def caught_up(self, position: int) -> None:
        async def there() -> bool:
            if self.task.done():
                self.task.result()
            return await SqlProjection(self.engine).position() >= position

        await eventually(there, timeout=60)

    async def close(self) -> None:
        self.stop.set()
        await self.task
        await self.projection.close()


async def open_live(bus: Bus, url: str) -> LiveStore:
    engine = open_engine(url)
    await upgrade(engine)
    return LiveStore(bus, engine)


async def test_a_rebuilt_database_equals_the_live_one(bus: Bus, new_db_url: DbFactory) -> None:
    """Groups included (snapshots that replace participants, and changes in between),
    replies, cards, reactions, edits and revokes (the scripted conversation), and the chats
    story (merged, read, listed)."""
    talk = [(event_subject(e.tenant, e.session, e.type), encode_event(e), e.id)
            for e in conversation()]  # fmt: skip
    chat = encoded_chat_events()
    events = encoded_stream(EVENTS) + encoded_group_stream(GROUP_EVENTS) + talk + chat
    total = EVENTS + GROUP_EVENTS + len(talk) + len(chat)
    assert await publish_fast(bus.js, events) == total
    live = await open_live(bus, await new_db_url())
    rebuilt_url = await new_db_url()
    try:
        await live.caught_up(total)
        progress: list[tuple[int, int]] = []
        position = await rebuild_into(bus.js, rebuilt_url, lambda p, t, _: progress.append((p, t)))
        assert position == total and progress[-1] == (total, total)
        rebuilt = open_engine(rebuilt_url)
        sums = await table_checksums(live.engine)
        assert await table_checksums(rebuilt) == sums
        assert sums["groups"][0] > 10 and sums["group_participants"][0] > 50, sums
        assert sums["message_reactions"][0] == 2 and sums["message_edits"][0] == 2, sums
        assert sums["chats"][0] > 3, sums
        await rebuilt.dispose()
    finally:
        await live.close()
        await live.engine.dispose()


class Ran:
    """The outcome of a ``wa`` command run as a separate process."""

    def __init__(self, code: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout.decode(), stderr.decode()


async def wa(settings: Settings, *args: str) -> Ran:
    """Runs ``wa`` without blocking this event loop (which answers the store's ping)."""
    env = {
        **os.environ,
        "WA_NATS_URL": settings.nats_url,
        "WA_DATA_DIR": settings.data_dir,
        "WA_LOG_LEVEL": "warning",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        *args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return Ran(proc.returncode or 0, out, err)


@pytest.fixture
async def live_sqlite(bus: Bus, settings: Settings) -> AsyncIterator[LiveStore]:
    live = await open_live(bus, settings.db_url("store"))
    yield live
    await live.close()
    await live.engine.dispose()


async def test_wa_store_rebuild_swaps_sqlite_in_only_when_the_store_is_stopped(
    bus: Bus, settings: Settings, live_sqlite: LiveStore
) -> None:
    assert await publish_fast(bus.js, encoded_stream(EVENTS)) == EVENTS
    await live_sqlite.caught_up(EVENTS)
    before = await table_checksums(live_sqlite.engine)
    ping = await serve_ping(bus.nc, "store")
    refused = await wa(settings, "store", "rebuild")
    assert refused.returncode == 3, refused.stderr
    assert "projected" in refused.stdout and "stop it" in refused.stderr
    await ping.unsubscribe()
    await live_sqlite.close()
    await live_sqlite.engine.dispose()

    done = await wa(settings, "store", "rebuild")
    assert done.returncode == 0, done.stderr
    assert f"{EVENTS:,} / {EVENTS:,}" in done.stdout and "swapped in" in done.stdout
    kept = [p.name for p in Path(settings.data_dir).glob("store.db.replaced-*")]
    assert len([k for k in kept if k.removeprefix("store.db.replaced-").isdigit()]) == 1, kept
    swapped = await open_live(bus, settings.db_url("store"))  # a store started on it again
    try:
        assert await table_checksums(swapped.engine) == before
        more = encoded_stream(EVENTS + 200)[EVENTS:]
        assert await publish_fast(bus.js, more) == EVENTS + 200
        await swapped.caught_up(EVENTS + 200)  # it catches up by itself
    finally:
        await swapped.close()
        await swapped.engine.dispose()
