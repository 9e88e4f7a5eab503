"""The whole-stack benchmark: one command, one table, every row measured in this run.

    .venv/bin/python -m bench.run_all [--events 1000000] [--projection 100000] [--sessions 1000]
        [--cli-runs 10]

Rows: (1) projection of message.received into SQLite vs a raw nats-py read and vs a naive
one-row-per-transaction projection; (2) rebuild of the store from ``--events`` mixed events;
(3) ingest through the session service, and end-to-end latency to a gateway query at a
steady rate; (4) the gateway against a bare aiohttp handler under ``wrk``, on SQLite (the live
stack) and on PostgreSQL (a stack of its own, ``bench/gateway_reads.py``); (5) many sessions
in one session-service process; (6) media (``bench/media.py``): a 5 MB image uploaded and
sent against the raw object store, 200 incoming 1 MB images, the gateway's memory under 20
uploads of 50 MB at once; (7) ``wa sim`` and ``wa events inspect``, start to exit. Run it on
an otherwise idle machine; never in CI.
"""

import argparse
import asyncio
import os
import platform
import tempfile
import time
from pathlib import Path

from bench.cli_start import cli_rows
from bench.gateway_reads import postgres_row
from bench.media import add_arguments as media_arguments
from bench.media import media_rows
from bench.stack_live import live_rows
from bench.stack_projection import Row, projection_rows, rebuild_row
from bench.stack_scale import scale_rows


def table(rows: list[Row]) -> str:
    head: Row = ("measure", "ours", "reference", "ratio")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in [head, *rows]]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    rows: list[Row] = []
    began = time.perf_counter()
    rows += await projection_rows(args.projection, args.naive)
    rows += await rebuild_row(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        rows += await live_rows(
            Path(tmp) / "live", args.burst, args.rate, args.seconds, args.wrk_seconds
        )
        rows.append(await postgres_row(Path(tmp) / "postgres", args.wrk_seconds, 64))
        rows += await scale_rows(Path(tmp) / "scale", args.sessions)
        rows += await media_rows(Path(tmp) / "media", args)
        rows += await cli_rows(Path(tmp) / "cli", args.cli_runs)
    took = time.perf_counter() - began
    print(f"\nwhole-stack benchmark, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{took:,.0f} s in all, load average now {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print(table(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projection", type=int, default=100_000, help="events, row 1")
    parser.add_argument("--naive", type=int, default=3_000, help="events of the naive baseline")
    parser.add_argument("--events", type=int, default=1_000_000, help="events rebuilt, row 2")
    parser.add_argument("--burst", type=int, default=5_000, help="incoming messages, row 3")
    parser.add_argument("--rate", type=float, default=200.0, help="steady messages/s, row 3")
    parser.add_argument("--seconds", type=float, default=10.0, help="of the steady rate")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="per wrk run, row 4")
    parser.add_argument("--sessions", type=int, default=1_000, help="row 5")
    media_arguments(parser)
    parser.add_argument("--cli-runs", type=int, default=10, help="runs of each command, row 7")
    asyncio.run(main(parser.parse_args()))
