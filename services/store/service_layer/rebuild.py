"""Rebuild: project the whole log from sequence 1 into a fresh database; for SQLite, swap it in.

The live store may keep running while the new database is built. The swap itself needs the
store stopped (a running store holds the old file open): ``swap_in`` refuses otherwise.
"""

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from nats.js import JetStreamContext

from contracts.ids import new_id
from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.consumer import Delivered, run_consumer
from runtime.sql.engine import open_engine, sqlite_path
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection

__all__ = ["Progress", "RebuildError", "rebuild_into", "sqlite_swap_in", "staging_url"]

Progress = Callable[[int, int, float], None]  # (position, target, events per second)


class RebuildError(RuntimeError):
    """The rebuild cannot go on; nothing live was changed."""


class _UntilTarget:
    """The projection, stopping the consumer once it reaches the target; reports progress."""

    def __init__(
        self, projection: SqlProjection, target: int, stop: asyncio.Event, progress: Progress
    ) -> None:
        self._projection, self._target, self._stop = projection, target, stop
        self._progress = progress
        self._started = time.perf_counter()
        self._first = 0
        self.in_flight = projection.in_flight

    async def position(self) -> int:
        self._first = await self._projection.position()
        if self._first >= self._target:
            self._stop.set()
        return self._first

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        return self._projection.prepare(batch)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        await self._projection.apply(batch)
        done = batch[-1].sequence
        rate = (done - self._first) / max(time.perf_counter() - self._started, 1e-9)
        self._progress(done, self._target, rate)
        if done >= self._target:
            self._stop.set()


async def rebuild_into(js: JetStreamContext, url: str, progress: Progress) -> int:
    """Project every event up to the log's current end into ``url``; returns that position.

    An empty database starts at sequence 1; a partly built one resumes where it stopped.
    """
    target = int((await js.stream_info(EVENTS_STREAM)).state.last_seq)
    engine = open_engine(url)
    projection = SqlProjection(engine)
    durable = f"store-rebuild-{new_id()}"
    try:
        await upgrade(engine)
        stop = asyncio.Event()
        handler = _UntilTarget(projection, target, stop, progress)
        await run_consumer(
            js, handler, durable=durable, filters=[event_filter()], stop=stop, batch_size=1000
        )
        return await projection.position()
    finally:
        await projection.close()
        await engine.dispose()
        await js.delete_consumer(EVENTS_STREAM, durable)


def staging_url(live_url: str) -> str:
    """Where a SQLite rebuild is built before the swap: beside the live file."""
    path = sqlite_path(live_url)
    if path is None:
        raise RebuildError("a PostgreSQL store is rebuilt into a database you name (--into URL)")
    return f"sqlite+aiosqlite:///{path.with_name(path.name + '.rebuild')}"


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


async def sqlite_swap_in(staged_url: str, live_url: str) -> Path:
    """Put the staged file in place of the live one; the old one is kept beside it."""
    staged, live = sqlite_path(staged_url), sqlite_path(live_url)
    assert staged is not None and live is not None
    engine = open_engine(staged_url)
    async with engine.connect() as conn:  # fold the WAL into the file: one file to move
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    await engine.dispose()
    kept = live.with_name(f"{live.name}.replaced-{int(time.time())}")
    if live.exists():
        live.replace(kept)
        for old, moved in zip(_sidecars(live), _sidecars(kept), strict=True):
            if old.exists():
                old.replace(moved)
    staged.replace(live)
    return kept
