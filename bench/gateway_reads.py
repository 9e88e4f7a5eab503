"""The gateway's read path against a bare aiohttp handler returning the same bytes, under
the same load generator (``wrk``, 64 connections), one after the other in the same run;
on SQLite and on PostgreSQL (a scratch database on ``WA_TEST_POSTGRES_URL``'s server), with
one and with two store query replicas.

    .venv/bin/python -m bench.gateway_reads [--seconds 10] [--connections 64] [--rounds 1]

Each configuration (``READS``) gets its own stack (``cli.stack.LocalStack``: every service a
process, the simulator), a paired session with 50 incoming messages, and ``GET …/messages``
(a page of 50) measured through the gateway, then the bare handler; with the store's reply
cache (as deployed: nothing is written during the run, so every read after the first is a
hit; it lives on the projecting replica only) or without it (``WA_STORE_REPLY_CACHE_MB=0``:
every read runs its query). Each row shows the CPU every process spent per request
(``bench/cpu_split.py``: wrk, the gateway, nats-server, each store replica; PostgreSQL's
own processes are not counted) and the rate a core per process would allow. ``run_all``
uses ``versus_bare`` for its live stack's row and ``read_rows`` for the others.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from bench.cpu_split import measured
from bench.gateway_stack import MESSAGES, read_stack
from bench.scratch_postgres import POSTGRES_URL, scratch_postgres
from bench.stack_live import wait_listening
from bench.stack_projection import Row
from runtime.embedded_nats import free_port

__all__ = ["READS", "Reads", "read_rows", "versus_bare"]


class Reads(NamedTuple):
    """One configuration of the read benchmark."""

    postgres: bool
    cache: bool
    readers: int

    @property
    def label(self) -> str:
        words = ["PostgreSQL" if self.postgres else "SQLite"]
        words += [] if self.cache else ["no reply cache"]
        words += [f"{self.readers} query replicas"] if self.readers > 1 else []
        return ", ".join(words)


READS = (
    Reads(postgres=False, cache=True, readers=1),
    Reads(postgres=False, cache=False, readers=1),
    Reads(postgres=False, cache=False, readers=2),
    Reads(postgres=False, cache=True, readers=2),
    Reads(postgres=True, cache=True, readers=1),
    Reads(postgres=True, cache=False, readers=1),
    Reads(postgres=True, cache=False, readers=2),
)


async def versus_bare(
    url: str,
    body: bytes,
    key: str,
    seconds: int,
    connections: int,
    scratch: Path,
    label: str,
    pids: dict[str, int] | None = None,
) -> list[Row]:
    """Two table rows: the gateway at ``url`` (``pids``: the processes whose CPU to count),
    then a bare handler serving ``body``; and where the CPU went."""
    if not shutil.which("wrk"):
        return [(f"gateway ({label}): wrk not installed (apt-get install -y wrk)", "", "", "")]
    ours = measured(url, key, seconds, connections, pids or {})
    body_file = scratch / "body.json"
    body_file.write_bytes(body)
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "bench.bare_http", str(port), str(body_file)])
    try:
        await wait_listening(port)
        path = url.split("/", 3)[3]
        reference = measured(
            f"http://127.0.0.1:{port}/{path}", key, seconds, connections, {"bare": bare.pid}
        )
    finally:
        bare.terminate()
        bare.wait()
    return [
        (f"gateway ({label}): GET messages, {MESSAGES} of them ({len(body):,} B), "
         f"wrk {connections} conn, {seconds}s", ours.describe(),
         f"bare aiohttp {reference.describe()}", f"{ours.rate / reference.rate:.2f}"),
        (f"  where the CPU went ({label})", ours.ceiling(), reference.ceiling(), ""),
    ]  # fmt: skip


async def read_row(scratch: Path, reads: Reads, seconds: int, connections: int) -> list[Row]:
    """The rows of one configuration, on a stack of its own."""
    if not reads.postgres:
        return await _measured(scratch, "", reads, seconds, connections)
    async with scratch_postgres() as db_url:
        if db_url is None:
            return [(f"gateway ({reads.label}): not reachable", POSTGRES_URL, "", "")]
        return await _measured(scratch, db_url, reads, seconds, connections)


async def _measured(
    scratch: Path, db_url: str, reads: Reads, seconds: int, connections: int
) -> list[Row]:
    async with read_stack(scratch, db_url, reads.cache, reads.readers) as (url, body, key, pids):
        return await versus_bare(url, body, key, seconds, connections, scratch, reads.label, pids)


async def read_rows(
    scratch: Path, seconds: int, connections: int, configurations: tuple[Reads, ...] = READS
) -> list[Row]:
    rows: list[Row] = []
    for n, reads in enumerate(configurations):
        rows += await read_row(scratch / f"reads{n}", reads, seconds, connections)
    return rows


async def main(args: argparse.Namespace) -> None:
    from bench.run_all import table

    rows: list[Row] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            rows += await read_rows(Path(tmp), args.seconds, args.conn)
    print(f"\n{os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}\n")
    print(table(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--connections", dest="conn", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="each configuration, in turn")
    asyncio.run(main(parser.parse_args()))
