"""Two costs of the standard ``sqlite3`` module that the store's writer process opts out of.

Counted with valgrind (callgrind, the instructions inside ``executemany``) replaying the
transactions of 50,000 benchmark events:

- **Binding None and bool.** Python 3.11's module binds int, float, str and bytearray
  directly; any other value goes through its adapter lookup. With no adapter registered,
  that lookup asks the ``PrepareProtocol`` type for ``__adapt__``, and the type formats an
  AttributeError message to say it has none: about 3,300 instructions per value. Projection
  rows carry many NULLs (a message's optional fields), so this was 15% of the writer's
  instructions. Registered adapters make it one dict lookup and one C call, with the same
  values bound: ``None`` stays NULL, ``True``/``False`` become 1/0 as before.
- **Mutexes and memory statistics.** Debian's libsqlite3 is built serialized, with memory
  statistics on: every allocation takes a global mutex, every API call the connection's.
  Each of the writer's threads has a connection of its own (the writer's, the checkpoints'),
  so it configures the library multi-thread (no connection mutexes) and without statistics
  (``sqlite3_config``, before anything is opened): 12% fewer. Single-thread mode (no mutex
  at all) counted the same to within 0.1%.

Together: 7.33 G instructions before, 5.79 G after (-21%). Everything here is process-wide,
so only the writer process calls it, before it opens its connections; the service's own
process (aiosqlite's threads) keeps the library as it is.
"""

import ctypes
import ctypes.util
import sqlite3

__all__ = ["quicken_sqlite"]

_SQLITE_OK = 0
_CONFIG_MULTITHREAD = 2
_CONFIG_MEMSTATUS = 9


def quicken_sqlite() -> list[str]:
    """Apply both opt-outs in this process, before it opens any connection; returns the ones
    that took effect (the library settings need the shared libsqlite3 the module uses)."""
    # ``{}.get(value)`` is None: a C call that hands the module its NULL without the lookup.
    nothing: dict[None, None] = {}
    sqlite3.register_adapter(type(None), nothing.get)
    sqlite3.register_adapter(bool, int)
    applied = ["adapters"]
    if _configure_library():
        applied.append("no connection mutexes, no memory statistics")
    return applied


def _configure_library() -> bool:
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return False
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return False
    major, minor, patch = sqlite3.sqlite_version_info
    if library.sqlite3_libversion_number() != major * 1_000_000 + minor * 1_000 + patch:
        return False  # not the copy the module uses: configuring it would change nothing
    if library.sqlite3_shutdown() != _SQLITE_OK:
        return False
    configured = (
        library.sqlite3_config(_CONFIG_MULTITHREAD) == _SQLITE_OK
        and library.sqlite3_config(_CONFIG_MEMSTATUS, ctypes.c_int(0)) == _SQLITE_OK
    )
    return bool(library.sqlite3_initialize() == _SQLITE_OK and configured)
