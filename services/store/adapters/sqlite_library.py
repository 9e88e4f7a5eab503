"""The SQLite of the store's writer process: APSW's, not the standard module's.

Counted with valgrind (callgrind), the writer process replaying the requests of the bench
stream's first 20,000 events (``python -m services.store.adapters.sqlite_writer`` on a framed
request file), the same database written in each case, row for row:

- the standard ``sqlite3`` module on Debian's libsqlite3 3.40.1, with the opt-outs below
  done by hand (adapters registered for None and bool, the shared library configured
  through ctypes): 2.64 G instructions;
- the same module code on SQLite 3.51.1 (``pysqlite3-binary``): 2.44 G. The JSON functions
  were rewritten in 3.45: ``json_object``, which builds ``messages.view`` on every write of
  a message row, costs a third of what it did;
- APSW 3.54.1.0 (its own SQLite, 3.54.1): **2.24 G, -15%**. Besides the newer SQLite it
  binds None and bool itself: the standard module sends every value that is not an exact
  int, float or str through its adapter protocol (a tuple key and a dict lookup per NULL,
  even with an adapter registered: 7% of the writer), and its ``sqlite3_step`` counted
  14% fewer instructions than 3.51.1's.

APSW (Roger Binns; a release with each SQLite release) exposes SQLite's own API, which the
writer needs no more of than ``execute``, ``executemany`` and ``in_transaction``. Only the
writer process loads it: the service's own process (aiosqlite, the lean reads) keeps the
standard module. Both read and write the same WAL file; its format is SQLite 3's, the same
across these versions.

The library is also configured multi-thread (no connection mutexes: each of the writer's
threads has a connection of its own, the writer's and the checkpoints') and without memory
statistics (no global mutex around every allocation). That is process-wide, before any
connection is opened; single-thread mode counted the same to within 0.1% (on the standard
module).
"""

import apsw

from runtime.sql.pragmas import SQLITE_PRAGMAS

__all__ = ["Connection", "Error", "configure_library", "open_connection", "sqlite_version"]

Connection = apsw.Connection
Error = apsw.Error
_configured = False


def sqlite_version() -> str:
    return apsw.sqlite_lib_version()


def configure_library() -> None:
    """Multi-thread, no memory statistics: once per process, before any connection."""
    global _configured
    if _configured:
        return
    apsw.shutdown()  # importing apsw initialised the library; configuring needs it shut
    apsw.config(apsw.SQLITE_CONFIG_MULTITHREAD)
    apsw.config(apsw.SQLITE_CONFIG_MEMSTATUS, 0)
    apsw.initialize()
    _configured = True


def open_connection(path: str) -> apsw.Connection:
    """A connection to ``path`` with every service's pragmas (runtime/sql/pragmas.py). APSW
    runs no implicit transactions: the writer says BEGIN and COMMIT itself."""
    configure_library()
    db = apsw.Connection(path)
    for pragma in SQLITE_PRAGMAS:
        db.execute(pragma).fetchall()
    return db
