"""Opening the store's database: SQLite (WAL) or PostgreSQL, the same code."""

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.store.adapters.sqlite_writer import SQLITE_PRAGMAS

__all__ = ["SQLITE_PRAGMAS", "open_engine", "sqlite_path", "sqlite_pragmas"]


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database."""
    if not url.startswith("sqlite"):
        return None
    return Path(url.split("///", 1)[1])


def sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def open_engine(url: str, *, read_only: bool = False) -> AsyncEngine:
    """An engine for ``url``; nothing is created or migrated here (see migrations).

    ``read_only``: the connections cannot write (a query replica's): SQLite opens the file
    with ``mode=ro`` (it must exist; the WAL is shared with the writer on the same host),
    PostgreSQL starts every transaction read-only."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            url = f"{url.split('///', 1)[0]}///file:{path}?mode=ro&uri=true"
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    options: dict[str, Any] = {}
    if read_only and url.startswith("postgresql+asyncpg"):
        settings = {"default_transaction_read_only": "on"}
        options["connect_args"] = {"server_settings": settings}
    return create_async_engine(url, pool_size=5, max_overflow=5, **options)
