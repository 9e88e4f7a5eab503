"""The SQLite writer process: guarded transactions, a writer that dies, a parent that dies.

SQLite only (PostgreSQL transactions run in the store's own process).
"""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import event_stream
from runtime.consumer import Delivered
from runtime.sql.engine import open_engine
from runtime.sql.types import UtcDateTime
from services.store.adapters.checksum import table_checksums
from services.store.adapters.compiled import sqlite_time
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.adapters.sqlite_writer import AlreadyApplied, SqliteWriter, WriterFailed
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]
ITEMS = [Delivered(i + 1, e) for i, e in enumerate(event_stream(600, seed=11))]


def writer_pids() -> set[int]:
    """This process's SQLite writer children."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"sqlite_writer" in cmdline:
            pids.add(int(entry.name))
    return pids


class Engines:
    """The test's projections, each on an engine of its own, every one disposed at its end
    (an engine left to the garbage collector warns later, in whichever test runs then)."""

    def __init__(self) -> None:
        self.opened: list[AsyncEngine] = []

    def projection(self, url: str) -> SqlProjection:
        self.opened.append(engine := open_engine(url))
        return SqlProjection(engine)


@pytest.fixture
async def engines() -> AsyncIterator[Engines]:
    kept = Engines()
    yield kept
    for engine in kept.opened:
        await engine.dispose()


async def fresh(tmp_path: Path, name: str, engines: Engines) -> tuple[str, SqlProjection]:
    url = f"sqlite+aiosqlite:///{tmp_path / name}.db"
    engine = open_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url, engines.projection(url)


async def position(url: str) -> int:
    engine = open_engine(url)
    try:
        return await SqlProjection(engine).position()
    finally:
        await engine.dispose()


async def checksums(url: str) -> dict[str, tuple[int, str]]:
    engine = open_engine(url)
    try:
        return await table_checksums(engine)
    finally:
        await engine.dispose()


async def reference(tmp_path: Path, engines: Engines) -> dict[str, tuple[int, str]]:
    url, projection = await fresh(tmp_path, "reference", engines)
    await projection.apply(ITEMS)
    await projection.close()
    return await checksums(url)


async def test_an_overlapping_batch_applies_only_what_the_database_lacks(
    tmp_path: Path, engines: Engines
) -> None:
    url, first = await fresh(tmp_path, "live", engines)
    second = engines.projection(url)  # another writer process on the same file
    await first.apply(ITEMS[:400])
    await second.apply(ITEMS[200:])  # 201..400 already there: refused, 401..600 applied
    await second.apply(ITEMS[100:300])  # all there: changes nothing
    assert await second.position() == 600
    for projection in (first, second):
        await projection.close()
    assert await checksums(url) == await reference(tmp_path, engines)


async def test_a_killed_writer_fails_the_batch_and_the_next_writer_takes_over(
    tmp_path: Path, engines: Engines
) -> None:
    url, projection = await fresh(tmp_path, "live", engines)
    others = writer_pids()
    await projection.apply(ITEMS[:300])
    (pid,) = writer_pids() - others
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(WriterFailed, match="died"):
        await projection.apply(ITEMS[300:])
    assert await projection.position() == 300  # nothing of the failed batch was kept
    await projection.apply(ITEMS[300:])  # a new writer process
    assert writer_pids() - others - {pid}
    await projection.close()
    assert not writer_pids() - others  # closing waits for the writer to exit
    assert await checksums(url) == await reference(tmp_path, engines)


async def test_after_a_failed_batch_a_later_one_waits_for_the_position_to_be_read(
    tmp_path: Path, engines: Engines
) -> None:
    """A batch begun before the consumer saw the failure of the one before it (batches are
    applied several at once) must not go to the next writer over the gap: every batch is
    refused until the consumer starts over from the recorded position."""
    url, projection = await fresh(tmp_path, "live", engines)
    others = writer_pids()
    later = projection.prepare(ITEMS[400:])
    await projection.apply(ITEMS[:300])
    (pid,) = writer_pids() - others
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(WriterFailed, match="died"):
        await projection.apply(ITEMS[300:400])
    for batch in (later, ITEMS[400:]):  # prepared before the failure, or not
        with pytest.raises(WriterFailed, match="before it failed"):
            await projection.apply(batch)
    assert await projection.position() == 300  # the consumer starts over from here
    await projection.apply(projection.prepare(ITEMS[300:400]))
    await projection.apply(later)  # prepared before the failure: computed again
    await projection.close()
    assert await checksums(url) == await reference(tmp_path, engines)


async def test_a_cancelled_apply_neither_loses_nor_doubles(
    tmp_path: Path, engines: Engines
) -> None:
    items = [Delivered(i + 1, e) for i, e in enumerate(event_stream(5000, seed=12))]
    url, projection = await fresh(tmp_path, "live", engines)
    await projection.apply(items[:200])  # the writer process is up
    cancelled = 0
    for delay in (0.0, 0.002, 0.01, 0.03):
        start = await projection.position()
        task = asyncio.create_task(projection.apply(items[start : start + 1000]))
        await asyncio.sleep(delay)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            cancelled += delay > 0
        # A cancelled transaction may still commit in its writer; applying again is safe.
        await projection.apply(items[start : start + 1000])
    assert cancelled, "no apply was cancelled while under way"
    await projection.apply(items[await projection.position() :])
    await projection.close()
    assert await projection.position() == len(items)
    ref_url, ref = await fresh(tmp_path, "reference", engines)
    await ref.apply(items)
    await ref.close()
    assert await checksums(url) == await checksums(ref_url)


POSITION = "SELECT position FROM tracking WHERE consumer = 'store'"
SAVE = (
    "INSERT INTO tracking (consumer, position) VALUES ('store', ?) "
    "ON CONFLICT (consumer) DO UPDATE SET position = excluded.position"
)


async def test_a_batch_sent_behind_a_failed_one_is_refused(
    tmp_path: Path, engines: Engines
) -> None:
    """Two transactions on their way at once; the first fails: the second must not be
    applied over the gap, though it was already in the pipe when the first failed."""
    url, projection = await fresh(tmp_path, "live", engines)  # a migrated, empty database
    await projection.close()
    writer = await SqliteWriter.start(tmp_path / "live.db", POSITION)
    failing = SqliteWriter.encode(
        1, [("INSERT INTO no_such_table VALUES (1)", [()]), (SAVE, [(10,)])]
    )
    behind = SqliteWriter.encode(11, [(SAVE, [(20,)])])
    first = asyncio.ensure_future(writer.transaction(failing, None))
    second = asyncio.ensure_future(writer.transaction(behind, 10))
    with pytest.raises(WriterFailed, match="no such table"):
        await first
    with pytest.raises(WriterFailed, match="a batch is missing"):
        await second
    await writer.aclose()
    assert await position(url) == 0


def test_a_time_not_bound_as_text_is_refused() -> None:
    """Python's own datetime adapter would store another format, which queries comparing
    text would then misorder: a request can carry plain values only."""
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="unmarshallable"):
        SqliteWriter.encode(
            1, [("INSERT INTO tenants (id, first_seen_at) VALUES (?, ?)", [("t1", at)])]
        )


async def test_batches_on_their_way_together_commit_in_order(
    tmp_path: Path, engines: Engines
) -> None:
    url, projection = await fresh(tmp_path, "live", engines)
    await projection.close()
    writer = await SqliteWriter.start(tmp_path / "live.db", POSITION)
    sends = [
        writer.transaction(SqliteWriter.encode(n * 10 + 1, [(SAVE, [(n * 10 + 10,)])]), n * 10)
        for n in range(5)
    ]
    await asyncio.gather(*sends)
    await writer.aclose()
    assert await position(url) == 50


WRITER_THEN_SLEEP = """
import asyncio, sys
from bench.store_events import event_stream
from runtime.consumer import Delivered
from runtime.sql.engine import open_engine
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection

async def main():
    engine = open_engine(sys.argv[1])
    await upgrade(engine)
    projection = SqlProjection(engine)
    await projection.apply([Delivered(i + 1, e) for i, e in enumerate(event_stream(50))])
    print("applied", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def test_the_writer_exits_when_the_store_is_killed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'orphan.db'}"
    store = subprocess.Popen(
        [sys.executable, "-c", WRITER_THEN_SLEEP, url], cwd=ROOT, stdout=subprocess.PIPE
    )
    try:
        assert store.stdout is not None and store.stdout.readline() == b"applied\n"
        children = Path(f"/proc/{store.pid}/task/{store.pid}/children").read_text().split()
        writers = [int(pid) for pid in children if b"sqlite_writer" in _cmdline(int(pid))]
        assert len(writers) == 1
        store.send_signal(signal.SIGKILL)
        store.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(writers[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(writers[0]), "the writer outlived its store"
    finally:
        store.kill()
        store.wait()
        if store.stdout is not None:
            store.stdout.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 1, 12, 0, 5, 123456, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC),  # no fraction: still six digits
        datetime(2026, 3, 1, 14, 0, 5, 7, tzinfo=timezone(timedelta(hours=2))),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_rows_bind_times_as_sqlalchemy_stores_them(value: datetime) -> None:
    """Queries bind times through SQLAlchemy and compare them as text: same format, always."""
    dialect = sqlite.dialect()
    process = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    assert sqlite_time(value) == process(value)


def pages_in_file(path: Path) -> int:
    """The database file's own page count (its header): what checkpoints copied into it, not
    what the WAL holds."""
    with path.open("rb") as file:
        return int.from_bytes(file.read(32)[28:32], "big")


async def test_checkpoints_run_beside_the_writer_not_in_its_commits(
    tmp_path: Path, engines: Engines
) -> None:
    """Asked for after every ``checkpoint_rows`` changed rows, a checkpoint copies the WAL into
    the file while the writer waits for nothing; the writer's own backstop is far away."""
    grown: dict[int, bool] = {}
    for rows in (10**9, 300):  # never asked for, then asked for every 300 rows
        url, projection = await fresh(tmp_path, f"rows{rows}", engines)
        await projection.close()
        path = tmp_path / f"rows{rows}.db"
        before = pages_in_file(path)
        writer = await SqliteWriter.start(path, POSITION, checkpoint_rows=rows)
        for n in range(10):
            tenants = [(f"t{n}-{i}", "2026-01-01 00:00:00.000000") for i in range(100)]
            writes = [("INSERT INTO tenants (id, first_seen_at) VALUES (?, ?)", tenants)]
            await writer.transaction(SqliteWriter.encode(n + 1, [*writes, (SAVE, [(n + 1,)])]))
        if rows < 10**9:  # the thread runs when it runs

            async def copied(path: Path = path, before: int = before) -> bool:
                return pages_in_file(path) > before

            await eventually(copied, timeout=30)
        grown[rows] = pages_in_file(path) > before
        await writer.aclose()
        assert await position(url) == 10
    assert grown == {10**9: False, 300: True}


def _tenants(n: int) -> list[tuple[str, str]]:
    return [(f"t{n}-{i}", "2026-01-01 00:00:00.000000") for i in range(3)]


def _batch(n: int, *, failing: bool = False, first: int | None = None) -> bytes:
    """Batch ``n``: sequences n*10+1 .. n*10+10, three tenants (or a statement that fails)."""
    insert = (
        "INSERT INTO no_such_table VALUES (?, ?)"
        if failing
        else "INSERT INTO tenants (id, first_seen_at) VALUES (?, ?)"
    )
    start = n * 10 + 1 if first is None else first
    return SqliteWriter.encode(start, [(insert, _tenants(n)), (SAVE, [(n * 10 + 10,)])])


async def _queued_behind_a_lock(
    path: Path, requests: Sequence[tuple[bytes, int | None]]
) -> list[int | BaseException]:
    """Send ``requests`` while another connection holds the write lock, so that they queue up
    in the pipe behind the first; then let the writer go, and return each one's outcome."""
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    writer = await SqliteWriter.start(path, POSITION)
    try:
        sends = [asyncio.ensure_future(writer.transaction(r, after)) for r, after in requests]

        async def all_in_the_pipe() -> bool:
            transport = writer._requests.transport
            return len(writer._waiting) == len(sends) and transport.get_write_buffer_size() == 0

        await eventually(all_in_the_pipe, timeout=10)
        blocker.execute("ROLLBACK")
        return await asyncio.gather(*sends, return_exceptions=True)
    finally:
        blocker.close()
        await writer.aclose()


async def tenant_ids(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        async with engine.connect() as conn:
            return {row[0] for row in await conn.exec_driver_sql("SELECT id FROM tenants")}
    finally:
        await engine.dispose()


async def test_batches_queued_while_the_writer_was_busy_commit_together(
    tmp_path: Path, engines: Engines
) -> None:
    """Group commit: what waited in the pipe goes in one transaction (each page written once
    for all of them); without it, four batches would be four commits."""
    url, projection = await fresh(tmp_path, "live", engines)
    await projection.close()
    outcomes = await _queued_behind_a_lock(
        tmp_path / "live.db", [(_batch(n), n * 10 if n else None) for n in range(4)]
    )
    assert all(isinstance(size, int) for size in outcomes), outcomes
    sizes = [size for size in outcomes if isinstance(size, int)]
    assert sum(1 / size for size in sizes) <= 2  # at most the first alone, then the rest
    assert await position(url) == 40
    assert await tenant_ids(url) == {t for n in range(4) for t, _ in _tenants(n)}


async def test_a_failure_in_a_group_ends_where_it_would_have_alone(
    tmp_path: Path, engines: Engines
) -> None:
    """The batches before the failing one commit, it fails, the one behind it is refused."""
    url, projection = await fresh(tmp_path, "live", engines)
    await projection.close()
    requests = [(_batch(n, failing=n == 2), n * 10 if n else None) for n in range(4)]
    outcomes = await _queued_behind_a_lock(tmp_path / "live.db", requests)
    assert [isinstance(o, int) for o in outcomes[:2]] == [True, True], outcomes
    assert isinstance(outcomes[2], WriterFailed) and "no such table" in str(outcomes[2])
    assert isinstance(outcomes[3], WriterFailed) and "a batch is missing" in str(outcomes[3])
    assert await position(url) == 20
    assert await tenant_ids(url) == {t for n in range(2) for t, _ in _tenants(n)}


async def test_a_redelivered_batch_in_a_group_is_refused_and_the_others_commit(
    tmp_path: Path, engines: Engines
) -> None:
    url, projection = await fresh(tmp_path, "live", engines)
    await projection.close()
    requests = [(_batch(0), None), (_batch(1), None), (_batch(5, first=5), None), (_batch(2), None)]
    outcomes = await _queued_behind_a_lock(tmp_path / "live.db", requests)
    assert isinstance(outcomes[2], AlreadyApplied) and outcomes[2].position == 20, outcomes
    assert [isinstance(outcomes[n], int) for n in (0, 1, 3)] == [True] * 3, outcomes
    assert await position(url) == 30
    assert await tenant_ids(url) == {t for n in range(3) for t, _ in _tenants(n)}
