"""Rebuild on JetStream and SQLAlchemy: a fresh database projected from sequence 1 (the
service layer's ``project_until``); for SQLite, the finished file swapped in.

The live store may keep running while the new database is built. The swap itself needs the
store stopped (a running store holds the old file open): the CLI checks before ``swap_in``.
"""

import time
from pathlib import Path

from nats.js import JetStreamContext

from contracts.ids import new_id
from contracts.subjects import EVENTS_STREAM
from runtime.nats_messaging import NatsEventFeed
from runtime.sql.engine import open_engine, sqlite_path
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.service_layer.rebuild import Progress, RebuildError, project_until

__all__ = ["rebuild_into", "sqlite_swap_in", "staging_url"]


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
        feed = NatsEventFeed(js)
        return await project_until(
            feed, durable, projection, target, progress, projection.batch_size
        )
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
