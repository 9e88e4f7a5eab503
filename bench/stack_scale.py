"""Whole-stack benchmark row 5: many simulated sessions in one session-service process —
time to create, pair and connect them all, resident memory, and time for a restarted
process to connect them all again."""

import asyncio
import time
from pathlib import Path

import msgspec
from nats.aio.client import Client

from bench.stack_projection import Row
from cli.stack import LocalStack
from contracts.commands import Accepted, CommandReply, CreateSession, PairSession
from contracts.simulator import SimScan
from contracts.subjects import EVENTS_STREAM, event_filter, session_command_subject, sim_subject

__all__ = ["scale_rows"]

ENV = {"PATH": "/usr/bin:/bin", "WA_LOG_LEVEL": "warning", "WA_TENANT_MAX_SESSIONS": "0"}
_encode = msgspec.json.Encoder().encode
_reply = msgspec.json.Decoder(CommandReply)


async def connected(nc: Client) -> int:
    subject = event_filter(event_type="session.connected")
    info = await nc.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject)
    return sum((info.state.subjects or {}).values())


async def command(nc: Client, cmd: CreateSession | PairSession) -> None:
    msg = await nc.request(session_command_subject(cmd.tenant, cmd.session), _encode(cmd), 60)
    reply = _reply.decode(msg.data)
    assert isinstance(reply, Accepted), reply


async def one_session(nc: Client, n: int) -> None:
    session = f"bench{n:05d}"
    await command(nc, CreateSession(tenant="t1", session=session, name=f"number {n}"))
    await command(nc, PairSession(tenant="t1", session=session))
    scan = SimScan(session=session, phone=f"+2012{n:08d}")
    reply = await nc.request(sim_subject("scan"), _encode(scan), timeout=60)
    assert b'"ok":true' in reply.data, reply.data


async def until_connected(nc: Client, count: int, timeout: float = 600) -> None:
    deadline = time.perf_counter() + timeout
    while await connected(nc) < count:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{await connected(nc)} of {count} connected")
        await asyncio.sleep(0.05)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def ping(nc: Client) -> None:
    while True:
        try:
            await nc.request("wa.ping.session", b"", timeout=0.5)
            return
        except Exception:
            await asyncio.sleep(0.05)


async def scale_rows(data_dir: Path, sessions: int, in_flight: int = 50) -> list[Row]:
    stack = LocalStack(data_dir, env=ENV, services=("session",))
    await stack.start()
    try:
        nc = await stack.connect_operator()
        await ping(nc)
        idle = rss_mib(stack.procs["session"].pid)
        gate = asyncio.Semaphore(in_flight)

        async def paced(n: int) -> None:
            async with gate:
                await one_session(nc, n)

        began = time.perf_counter()
        await asyncio.gather(*(paced(n) for n in range(sessions)))
        await until_connected(nc, sessions)
        first = time.perf_counter() - began
        rss = rss_mib(stack.procs["session"].pid)
        stack.procs["session"].terminate()
        stack.procs["session"].wait(timeout=60)
        began = time.perf_counter()
        stack.start_service("session")
        await until_connected(nc, 2 * sessions)
        again = time.perf_counter() - began
        rss_again = rss_mib(stack.procs["session"].pid)
        await nc.close()
    finally:
        stack.stop()
    return [
        (f"scale: {sessions:,} sessions in one session service: create+pair+connect",
         f"{first:,.1f} s", f"{sessions / first:,.0f} sessions/s", ""),
        (f"scale: restart, until all {sessions:,} are connected again",
         f"{again:,.1f} s",
         f"RSS {rss:,.0f} MiB (idle {idle:,.0f}; after restart {rss_again:,.0f})",
         f"{(rss - idle) * 1024 / sessions:,.0f} KiB/session"),
    ]  # fmt: skip


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for row in asyncio.run(scale_rows(Path(tmp), 100)):
            print(" | ".join(row))
