"""How long one ``wa`` command takes, start to exit, against a live NATS server: ``wa sim
incoming`` (answered by a stand-in simulator, so only the command is timed) and ``wa events
inspect``; each run several times (the median and the best, hyperfine-style), beside a bare
``python -c pass`` on the same interpreter for reference.

    .venv/bin/python -m bench.cli_start [--runs 10]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nats.aio.msg import Msg

from bench.stack_projection import Row
from contracts.envelope import make_event
from contracts.events.session import SessionCreated
from contracts.subjects import sim_subject
from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.settings import load_settings

__all__ = ["cli_rows", "wall_clock"]

TARGET_S = 0.3
WA = [sys.executable, "-m", "cli.main"]


def wall_clock(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Seconds per run of ``command``, after one warm-up run (the file cache, .pyc files)."""
    times = []
    for n in range(runs + 1):
        began = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        if n:
            times.append(time.perf_counter() - began)
    return times


def _row(label: str, times: list[float], bare: float) -> Row:
    median = statistics.median(times)
    return (
        f"cli: {label} (median of {len(times)}, best {min(times):.2f} s)",
        f"{median:.2f} s",
        f"target {TARGET_S} s; bare interpreter {bare:.2f} s",
        f"{median / TARGET_S:.2f} of the target",
    )


async def cli_rows(data_dir: Path, runs: int) -> list[Row]:
    server = EmbeddedNats(data_dir / "nats")
    await server.start()
    try:
        settings = load_settings({}, nats_url=server.url, data_dir=str(data_dir / "data"))
        bus = await open_bus(settings, "bench")
        env = {**os.environ, "WA_NATS_URL": server.url, "WA_DATA_DIR": settings.data_dir}

        async def simulator(msg: Msg) -> None:
            await msg.respond(b'{"ok":true}')

        await bus.nc.subscribe(sim_subject("incoming"), cb=simulator)
        seq = await bus.publisher.publish(
            make_event(SessionCreated(name="bench"), tenant="t1", session="s1")
        )
        sim = [*WA, "sim", "incoming", "s1", "--from", "+201000000001", "--text", "hi"]
        inspect = [*WA, "events", "inspect", str(seq)]
        timed = {}
        for name, command in (("pass", [sys.executable, "-c", "pass"]), ("sim", sim),
                              ("inspect", inspect)):  # fmt: skip
            timed[name] = await asyncio.to_thread(wall_clock, command, env, runs)
        await bus.close()
    finally:
        server.stop()
    bare = statistics.median(timed["pass"])
    return [
        _row("`wa sim incoming` start to exit", timed["sim"], bare),
        _row("`wa events inspect` start to exit", timed["inspect"], bare),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    with tempfile.TemporaryDirectory() as tmp:
        for row in asyncio.run(cli_rows(Path(tmp), parser.parse_args().runs)):
            print(" | ".join(row))
