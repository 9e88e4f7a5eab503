"""The SQLite settings of every connection to every service's file (standard library only:
the store's writer process applies them without importing SQLAlchemy)."""

from typing import Any

__all__ = ["SQLITE_PRAGMAS", "apply_sqlite_pragmas"]

SQLITE_PRAGMAS = (
    # 8 KiB pages (set while the file is new, ignored afterwards): shallower indexes, fewer
    # pages written per batch; the store projection's writes took ~10% less CPU than 4 KiB.
    "PRAGMA page_size=8192",
    # WAL: readers never block the writer, and several processes may share the file.
    "PRAGMA journal_mode=WAL",
    # fsync at checkpoints only: a power cut may undo the last commits, which then happen
    # again (a consumer replays from its older recorded position); a process crash loses none.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",  # another process's write transaction: wait, do not fail
    "PRAGMA cache_size=-65536",  # up to 64 MiB of pages: index inserts stay in memory
    # Checkpoint every 64 MiB of WAL instead of 4 MiB: a page hot in many transactions is
    # copied into the database once per checkpoint, not once per commit, and each checkpoint
    # ends in an fsync the committing writer waits for. The commits of the store's 50,000
    # bench events took 0.51-0.61 s at 16 MiB, 0.40-0.43 s at 64 MiB, no less at 128 MiB.
    "PRAGMA wal_autocheckpoint=8000",
)


def apply_sqlite_pragmas(dbapi_connection: Any, *_: Any) -> None:
    """Set every pragma on a DB-API connection (also usable as a ``connect`` event hook)."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
