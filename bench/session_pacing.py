"""Session figures, measured in one run: reconnect attempts under a flapping network, and how
long 200 queued sends take to drain with the default pacing.

    .venv/bin/python -m bench.session_pacing            # fake clock (the policies themselves)
    .venv/bin/python -m bench.session_pacing --live 50  # also the real service, pacing 50x faster
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

import msgspec

from contracts.commands import SendText
from contracts.events.session import SendPacing
from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.settings import load_settings
from services.session.domain.pacing import Pacer
from services.session.domain.policies import ReconnectPolicy
from tests.integration.session.harness import Driver, running_service
from tests.unit.session.flapping import count_connection_attempts


def drain_seconds(pacing: SendPacing, sends: int, seed: int) -> float:
    pacer = Pacer(pacing, random.Random(seed).random, now=0.0)
    return max(pacer.reserve(0.0) for _ in range(sends))


async def live_drain(scale: float, sends: int) -> float:
    """The real service, default pacing divided by ``scale``: seconds x scale."""
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(Path(tmp) / "nats")
        await server.start()
        try:
            d = SendPacing()
            settings = load_settings(
                {},
                nats_url=server.url,
                data_dir=str(Path(tmp) / "data"),
                send_per_minute=d.per_minute * scale,
                send_min_spacing_s=d.min_spacing_s / scale,
                send_jitter_s=d.jitter_s / scale,
            )
            bus = await open_bus(settings, "bench")
            async with running_service(settings, bus):
                driver = Driver(bus)
                session = await driver.connected_session()
                started = time.perf_counter()
                for _ in range(sends):
                    cmd = SendText(tenant="t1", session=session, to="+201001234567", text="x")
                    await driver.command(cmd)
                await driver.wait_for(session, "message.sent", count=sends, timeout=3600)
                elapsed = time.perf_counter() - started
            await bus.close()
            return elapsed * scale
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--live", type=float, default=0.0, help="also run the service, Nx faster")
    parser.add_argument("--sends", type=int, default=200)
    args = parser.parse_args()
    attempts, status = count_connection_attempts(flap_every_s=5, duration_s=3600)
    policy = ReconnectPolicy()
    print("| figure | value |\n| --- | --- |")
    print(f"| reconnect policy | {policy} |")
    print(f"| connection attempts, network flapping every 5 s for 1 h | {attempts} ({status}) |")
    pacing = SendPacing()
    drains = [drain_seconds(pacing, args.sends, seed) for seed in range(20)]
    print(f"| default pacing | {msgspec.json.encode(pacing).decode()} |")
    print(
        f"| {args.sends} queued sends drain (fake clock, 20 seeds) | "
        f"min {min(drains):.0f} s, median {statistics.median(drains):.0f} s, "
        f"max {max(drains):.0f} s |"
    )
    if args.live:
        seconds = asyncio.run(live_drain(args.live, args.sends))
        label = f"{args.sends} sends drain, real service at {args.live:g}x (scaled back)"
        print(f"| {label} | {seconds:.0f} s |")


if __name__ == "__main__":
    main()
