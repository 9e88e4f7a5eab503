"""The gateway's read path against a bare aiohttp handler returning the same bytes, under
the same load generator (``wrk``, 64 connections), one after the other in the same run;
on SQLite and on PostgreSQL (a scratch database on ``WA_TEST_POSTGRES_URL``'s server).

    .venv/bin/python -m bench.gateway_reads [--seconds 10] [--connections 64] [--rounds 1]

Each database gets its own stack (``cli.stack.LocalStack``: every service a process, the
simulator), a paired session with 50 incoming messages, and ``GET …/messages`` (a page of
50) measured through the gateway, then the bare handler; with the store's reply cache (as
deployed: nothing is written during the run, so every read after the first is a hit) and
without it (``WA_STORE_REPLY_CACHE_MB=0``: every read runs its query).
``run_all`` uses ``versus_bare``
for its gateway row and ``postgres_row`` for the PostgreSQL one.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.stack_live import ENV, connected_session, incoming, wait_listening, wrk
from bench.stack_projection import Row
from cli.stack import LocalStack
from runtime.embedded_nats import free_port

__all__ = ["postgres_row", "stack_row", "versus_bare"]

POSTGRES_URL = os.environ.get(
    "WA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
MESSAGES = 50


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(url: str, key: str, seconds: int, connections: int, pids: dict[str, int]) -> str:
    """``wrk`` against ``url``: rate, p99, and each process's CPU per request (µs)."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    rate, p99 = wrk(url, key, seconds, connections)
    requests = rate * seconds
    used = ", ".join(
        f"{name} {(cpu_seconds(pid) - before[name]) / requests * 1e6:.0f}"
        for name, pid in pids.items()
    )
    return f"{rate:,.0f} req/s, p99 {p99:.1f} ms; CPU µs/req: {used}"


async def versus_bare(
    url: str,
    body: bytes,
    key: str,
    seconds: int,
    connections: int,
    scratch: Path,
    label: str,
    pids: dict[str, int] | None = None,
) -> Row:
    """One table row: the gateway at ``url`` (``pids``: the processes whose CPU to count),
    then a bare handler serving ``body``."""
    if not shutil.which("wrk"):
        return (f"gateway ({label}): wrk not installed (apt-get install -y wrk)", "", "", "")
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
    rate = float(ours.split(" req/s")[0].replace(",", ""))
    bare_rate = float(reference.split(" req/s")[0].replace(",", ""))
    return (
        f"gateway ({label}): GET messages, {MESSAGES} of them ({len(body):,} B), "
        f"wrk {connections} conn, {seconds}s",
        ours,
        f"bare aiohttp {reference}",
        f"{rate / bare_rate:.2f}",
    )


async def stack_row(
    data_dir: Path,
    label: str,
    seconds: int,
    connections: int,
    db_url: str = "",
    cache: bool = True,
) -> Row:
    """A stack of its own (store on ``db_url``, SQLite when empty) with 50 messages;
    ``cache``: the store's reply cache on (as deployed) or off (every read a query)."""
    env = {**ENV, "WA_STORE_DB_URL": db_url} if db_url else dict(ENV)
    label += "" if cache else ", no reply cache"
    if not cache:
        env["WA_STORE_REPLY_CACHE_MB"] = "0"
    stack = LocalStack(data_dir, env=env)
    await stack.start(timeout=90)
    try:
        nc = await stack.connect_operator()
        async with aiohttp.ClientSession(base_url=stack.url) as http:
            session = await connected_session(http, nc, stack)
            key = http.headers["Authorization"].removeprefix("Bearer ")
            await asyncio.gather(*(incoming(nc, session, n, "read") for n in range(MESSAGES)))
            path = f"/v1/sessions/{session}/messages"
            while True:  # the store has projected them all
                async with http.get(path) as resp:
                    body = await resp.read()
                    if body.count(b'"message_id"') >= MESSAGES:
                        break
                await asyncio.sleep(0.05)
        await nc.close()
        pids = {name: stack.procs[name].pid for name in ("gateway", "store")}
        return await versus_bare(
            stack.url + path, body, key, seconds, connections, data_dir, label, pids
        )
    finally:
        stack.stop()


@asynccontextmanager
async def scratch_postgres() -> AsyncIterator[str | None]:
    """A new database on the PostgreSQL server (dropped after), or None when unreachable."""
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"wa_bench_{uuid.uuid4().hex[:10]}"
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach it: the row says so
        print(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc!r}", file=sys.stderr)
        await admin.dispose()
        yield None
        return
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def postgres_row(data_dir: Path, seconds: int, connections: int, cache: bool = True) -> Row:
    async with scratch_postgres() as url:
        if url is None:
            return ("gateway (PostgreSQL): not reachable", POSTGRES_URL, "", "")
        return await stack_row(data_dir, "PostgreSQL", seconds, connections, url, cache)


async def main(args: argparse.Namespace) -> None:
    from bench.run_all import table

    rows: list[Row] = []
    for _ in range(args.rounds):
        for cache in (True, False):
            with tempfile.TemporaryDirectory() as tmp:
                here = Path(tmp)
                rows.append(
                    await stack_row(here / "s", "SQLite", args.seconds, args.conn, "", cache)
                )
                rows.append(await postgres_row(here / "p", args.seconds, args.conn, cache))
    print(f"\n{os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}\n")
    print(table(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--connections", dest="conn", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="each database, in turn")
    asyncio.run(main(parser.parse_args()))
