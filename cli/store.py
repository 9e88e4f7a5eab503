"""``wa store``: operate the store's disposable tables.

``wa store rebuild``            rebuild the SQLite store from sequence 1 beside the live file,
                                then swap it in (the store must be stopped for the swap).
``wa store rebuild --into URL`` rebuild into another database (any SQLite or PostgreSQL URL);
                                then point ``WA_STORE_DB_URL`` at it and restart the store.
``wa store swap``               swap a finished SQLite rebuild in (the store must be stopped).
Connects with the ``WA_*`` settings (``WA_NATS_URL``, ``WA_STORE_DB_URL``, ``WA_DATA_DIR``).
"""

import argparse
import asyncio
import sys
import time
from typing import Any

from runtime.bus import open_bus
from runtime.nats_auth.permissions import OPERATOR
from runtime.rpc import BackendUnavailable, ping_subject, request
from runtime.settings import Settings, load_settings
from runtime.sql.engine import sqlite_path
from services.store.adapters.rebuild import rebuild_into, sqlite_swap_in, staging_url
from services.store.service_layer.rebuild import RebuildError

__all__ = ["register"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("store", help="rebuild the store's tables")
    commands = parser.add_subparsers(dest="store_command", required=True)
    rebuild = commands.add_parser("rebuild", help="rebuild the tables from sequence 1")
    rebuild.add_argument("--into", metavar="URL", help="build into this database; no swap")
    rebuild.set_defaults(func=lambda args: asyncio.run(_rebuild(args.into)))
    swap = commands.add_parser("swap", help="swap a finished SQLite rebuild in")
    swap.set_defaults(func=lambda _: asyncio.run(_swap()))


class _Printer:
    """Progress lines, at most one a second, and always the last."""

    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, position: int, target: int, rate: float) -> None:
        now = time.monotonic()
        if now - self._last >= 1.0 or position >= target:
            self._last = now
            share = 100 * position / target if target else 100
            print(f"  projected {position:>10,} / {target:,}  ({share:5.1f}%, {rate:,.0f}/s)")


async def _store_running(settings: Settings) -> bool:
    bus = await open_bus(settings, "wa-store-cli", OPERATOR)
    try:
        await request(bus.nc, ping_subject("store"), b"", timeout=1.0)
        return True
    except BackendUnavailable:
        return False
    finally:
        await bus.close()


async def _rebuild(into: str | None) -> int:
    # The rebuild projects in this process: tune its collector as the store service does
    # (bench.stack_projection's rebuild row, 200,000 mixed events: 37,835 ev/s without,
    # 46,533 with).
    from runtime.service import tune_gc  # here: every other ``wa`` verb starts without it

    tune_gc()
    settings = load_settings()
    live = settings.db_url("store")
    try:
        target = into or staging_url(live)
    except RebuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if into is None:
        staged = sqlite_path(target)
        assert staged is not None
        for leftover in (staged, *(staged.with_name(staged.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)  # a rebuild always starts from sequence 1
    print(f"rebuilding the store into {target}")
    bus = await open_bus(settings, "wa-store-rebuild", OPERATOR)
    try:
        position = await rebuild_into(bus.js, target, _Printer())
    finally:
        await bus.close()
    print(f"built: position {position:,}")
    if into is not None:
        print("point WA_STORE_DB_URL at it and restart the store; it catches up by itself")
        return 0
    return await _swap()


async def _swap() -> int:
    settings = load_settings()
    live = settings.db_url("store")
    try:
        staged = staging_url(live)
    except RebuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    staged_path = sqlite_path(staged)
    if staged_path is None or not staged_path.exists():
        print(f"error: no finished rebuild at {staged}", file=sys.stderr)
        return 2
    if await _store_running(settings):
        print("the store is running: stop it, then run `wa store swap`", file=sys.stderr)
        return 3
    kept = await sqlite_swap_in(staged, live)
    print(f"swapped in; the previous database is kept at {kept}")
    print("start the store: it catches up from the rebuilt position by itself")
    return 0
