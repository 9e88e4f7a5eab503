"""A stack for the read benchmark: 50 messages in one session, the store on SQLite or
PostgreSQL, with or without its reply cache, with one or more query replicas; every process
the benchmark counts the CPU of, ready (each replica subscribed) and warmed up."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bench.cpu_split import cpu_seconds
from bench.stack_live import ENV, connected_session, incoming
from cli.stack import LocalStack

__all__ = ["MESSAGES", "read_stack", "settled", "stack_pids"]

MESSAGES = 50
WARM_UP = 300  # reads before measuring: statements compiled, pools open, on every replica


def stack_pids(stack: LocalStack) -> dict[str, int]:
    """The processes a read passes through: the gateway, nats-server, each store replica."""
    pids = {"gateway": stack.procs["gateway"].pid}
    if stack.nats is not None and stack.nats.server.pid is not None:
        pids["nats"] = stack.nats.server.pid
    pids |= {name: p.pid for name, p in stack.procs.items() if name.partition("-")[0] == "store"}
    return pids


async def settled(pids: list[int], quiet_s: float = 0.5, timeout: float = 60.0) -> None:
    """Wait until none of ``pids`` used more than a tick or two of CPU for ``quiet_s``: a
    store replica subscribes to queries before it goes idle, so each one then answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    before = [cpu_seconds(pid) for pid in pids]
    while loop.time() < deadline:
        await asyncio.sleep(quiet_s)
        now = [cpu_seconds(pid) for pid in pids]
        if all(b - a <= 0.02 for a, b in zip(before, now, strict=True)):
            return
        before = now
    raise TimeoutError("the store replicas kept busy")


@asynccontextmanager
async def read_stack(
    data_dir: Path, db_url: str, cache: bool, readers: int
) -> AsyncIterator[tuple[str, bytes, str, dict[str, int]]]:
    """(the page's URL, its body, the API key, the processes to count) on a running stack
    (store on ``db_url``, SQLite when empty); ``cache``: the store's reply cache on (as
    deployed) or off (every read a query); ``readers``: store processes answering queries."""
    env = {**ENV, "WA_STORE_DB_URL": db_url} if db_url else dict(ENV)
    if not cache:
        env["WA_STORE_REPLY_CACHE_MB"] = "0"
    stack = LocalStack(data_dir, env=env, store_readers=readers)
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
            pids = stack_pids(stack)
            await settled([pid for name, pid in pids.items() if name.startswith("store")])
            for _ in range(WARM_UP):
                async with http.get(path) as resp:
                    assert await resp.read() == body
        await nc.close()
        yield stack.url + path, body, key, pids
    finally:
        stack.stop()
