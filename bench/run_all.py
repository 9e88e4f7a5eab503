"""The whole-stack benchmark: one command, one table, every row measured in this run.

    .venv/bin/python -m bench.run_all [--events 1000000] [--projection 100000] [--sessions 1000]
        [--cli-runs 10]

Rows: (1) projection of message.received into SQLite vs a raw nats-py read and vs a naive
one-row-per-transaction projection; (2) rebuild of the store from ``--events`` mixed events;
(3) ingest through the session service, and end-to-end latency to a gateway query at a
steady rate (target: p99 <= 50 ms at 200 msg/s); (4) the gateway against a bare aiohttp
handler under ``wrk``, on SQLite (the live stack), then each other configuration of
``bench/gateway_reads.py`` on a stack of its own (no reply cache, two query replicas,
PostgreSQL), each with the CPU every process spent per request; (5) many sessions
in one session-service process; (6) media (``bench/media.py``): a 5 MB image uploaded and
sent against the raw object store, 200 incoming 1 MB images, the gateway's memory under 20
uploads of 50 MB at once; (7) ``wa sim`` and ``wa events inspect``, start to exit. Run it on
an otherwise idle machine; never in CI. It prints the command that produced the table: the
README's Performance table is that output (``--readme README.md`` writes it there).
"""

import argparse
import asyncio
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench.cli_start import cli_rows
from bench.gateway_reads import READS, read_rows
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
        others = READS[1:]  # READS[0], SQLite with the reply cache, is the live stack's row
        rows += await read_rows(Path(tmp) / "reads", args.wrk_seconds, 64, others)
        rows += await scale_rows(Path(tmp) / "scale", args.sessions)
        rows += await media_rows(Path(tmp) / "media", args)
        rows += await cli_rows(Path(tmp) / "cli", args.cli_runs)
    took = time.perf_counter() - began
    command = shlex.join([".venv/bin/python", "-m", "bench.run_all", *sys.argv[1:]])
    print(f"\n`{command}`: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{took:,.0f} s in all, load average now {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print(table(rows))
    if args.readme:
        into_readme(Path(args.readme), f"`{command}`, load average {os.getloadavg()[0]:.1f}:", rows)


BEGIN, END = "<!-- bench.run_all: begin -->\n", "<!-- bench.run_all: end -->\n"


def into_readme(path: Path, heading: str, rows: list[Row]) -> None:
    """Replace what stands between the README's two markers with this run's table."""
    text = path.read_text()
    head, _, rest = text.partition(BEGIN)
    _, found, tail = rest.partition(END)
    if not found:
        raise SystemExit(f"{path}: no {BEGIN.strip()} ... {END.strip()} block")
    path.write_text(f"{head}{BEGIN}{heading}\n\n{table(rows)}\n{END}{tail}")


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
    parser.add_argument("--readme", help="also write the table into this README's block")
    media_arguments(parser)
    parser.add_argument("--cli-runs", type=int, default=10, help="runs of each command, row 7")
    asyncio.run(main(parser.parse_args()))
