"""Opening a service's database: SQLite (WAL, the pragmas of pragmas.py) or PostgreSQL, with
the pools, the read-only opening of query replicas, creating tables, and the dialect's upsert.
"""

import asyncio
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from runtime.sql.pragmas import apply_sqlite_pragmas

__all__ = ["Insert", "create_tables", "insert_for", "open_engine", "sqlite_path", "upsert"]

Insert = postgresql.Insert | sqlite.Insert
"""An INSERT that can say what to do on a conflict (both dialects spell it the same)."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database."""
    if not url.startswith("sqlite"):
        return None
    return Path(url.split("///", 1)[1])


def open_engine(
    url: str, *, read_only: bool = False, pool_size: int = 5, max_overflow: int = 5
) -> AsyncEngine:
    """An engine for ``url``; nothing is created here (see ``create_tables``).

    ``read_only``: the connections cannot write (a query replica's): SQLite opens the file
    with ``mode=ro`` (it must exist; the WAL is shared with the writer on the same host),
    PostgreSQL starts every transaction read-only. The pool sizes apply to PostgreSQL."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            url = f"{url.split('///', 1)[0]}///file:{path}?mode=ro&uri=true"
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", apply_sqlite_pragmas)
        return engine
    options: dict[str, Any] = {}
    if read_only and url.startswith("postgresql+asyncpg"):
        settings = {"default_transaction_read_only": "on"}
        options["connect_args"] = {"server_settings": settings}
    return create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow, **options)


async def create_tables(
    engine: AsyncEngine,
    metadata: MetaData,
    *,
    then: Iterable[Callable[[Connection], None]] = (),
    attempts: int = 3,
) -> None:
    """Create the missing tables, then run ``then`` (upgrades of older layouts) in the same
    transaction. Replicas creating the same tables at once: the loser tries again."""
    steps = list(then)

    def create(conn: Connection) -> None:
        metadata.create_all(conn)
        for step in steps:
            step(conn)

    for attempt in range(1, attempts + 1):
        try:
            async with engine.begin() as conn:
                await conn.run_sync(create)
            return
        except DBAPIError:
            if attempt == attempts:
                raise
            await asyncio.sleep(0.2 * attempt)


def insert_for(dialect: str) -> Callable[[Table], Insert]:
    """The dialect's INSERT with ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def upsert(dialect: str, table: Table, keys: Iterable[str], values: Mapping[str, Any]) -> Insert:
    """Insert ``values``, or on a conflict on ``keys`` overwrite the row's other columns
    with them."""
    index = list(keys)
    stmt = insert_for(dialect)(table).values(**values)
    changed = {name: stmt.excluded[name] for name in values if name not in index}
    return stmt.on_conflict_do_update(index_elements=index, set_=changed)
