"""Whole-stack benchmark rows 3 and 4, on one running stack (``cli.stack.LocalStack``):
ingest through the session service (simulator bursts), end-to-end latency from a simulated
incoming message to a gateway query at a steady rate, and the gateway's request rate against
a bare aiohttp handler under the same load generator (``wrk``)."""

import asyncio
import statistics
import time
from pathlib import Path

import aiohttp
import msgspec
from nats.aio.client import Client

from bench.stack_projection import Row
from cli.stack import LocalStack
from contracts.simulator import SimIncoming, SimScan
from contracts.subjects import EVENTS_STREAM, event_filter, sim_subject

__all__ = ["live_rows"]

ENV = {"PATH": "/usr/bin:/bin", "WA_LOG_LEVEL": "warning", "WA_GATEWAY_RATE_PER_S": "0"}
_encode = msgspec.json.Encoder().encode


async def received(nc: Client, session: str) -> int:
    subject = event_filter(session=session, event_type="message.received")
    info = await nc.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject)
    return sum((info.state.subjects or {}).values())


async def incoming(nc: Client, session: str, n: int, tag: str) -> None:
    msg = SimIncoming(
        session=session, sender="+201000000002", text=f"{tag}{n}", message_id=f"{tag}{n}"
    )
    reply = await nc.request(sim_subject("incoming"), _encode(msg), timeout=30)
    assert b'"ok":true' in reply.data, reply.data


async def ingest(nc: Client, session: str, count: int, in_flight: int = 200) -> float:
    gate = asyncio.Semaphore(in_flight)
    before = await received(nc, session)

    async def one(n: int) -> None:
        async with gate:
            await incoming(nc, session, n, "burst")

    began = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    while await received(nc, session) < before + count:  # noqa: ASYNC110 (polling the server)
        await asyncio.sleep(0.01)
    return count / (time.perf_counter() - began)


async def latency(
    nc: Client, http: aiohttp.ClientSession, session: str, rate: float, seconds: float
) -> tuple[list[float], int]:
    """Seconds from each simulated incoming message (sent at a steady ``rate``) to its first
    sight in ``GET /v1/sessions/{id}/messages`` (polled every 5 ms); and how many were sent."""
    count = int(rate * seconds)
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    url = f"/v1/sessions/{session}/messages?limit=100"

    async def poll() -> None:
        while len(seen) < count:
            async with http.get(url) as resp:
                body = await resp.json()
            now = time.perf_counter()
            for item in body["items"]:
                if item["message_id"] in sent:
                    seen.setdefault(item["message_id"], now)
            await asyncio.sleep(0.005)

    poller = asyncio.create_task(poll())
    began = time.perf_counter()
    tasks = []
    for n in range(count):
        await asyncio.sleep(max(0.0, began + n / rate - time.perf_counter()))
        sent[f"steady{n}"] = time.perf_counter()
        tasks.append(asyncio.create_task(incoming(nc, session, n, "steady")))
    await asyncio.gather(*tasks)
    await asyncio.wait_for(poller, timeout=60)
    return [seen[k] - t for k, t in sent.items()], count


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def connected_session(http: aiohttp.ClientSession, nc: Client, stack: LocalStack) -> str:
    async with http.post(
        "/v1/tenants",
        json={"name": "bench"},
        headers={"Authorization": f"Bearer {stack.admin_token}"},
    ) as resp:
        key = (await resp.json())["api_key"]
    http.headers["Authorization"] = f"Bearer {key}"
    async with http.post("/v1/sessions", json={"name": "bench"}) as resp:
        session = str((await resp.json())["id"])
    async with http.post(f"/v1/sessions/{session}/pair", json={"method": "qr"}) as resp:
        assert resp.status == 202
    await nc.request(
        sim_subject("scan"), _encode(SimScan(session=session, phone="+201234567890")), 10
    )
    while True:
        async with http.get(f"/v1/sessions/{session}") as resp:
            if (await resp.json())["status"] == "connected":
                return session
        await asyncio.sleep(0.05)


async def live_rows(
    data_dir: Path, burst: int, rate: float, seconds: float, wrk_s: int
) -> list[Row]:
    stack = LocalStack(data_dir, env=ENV)
    await stack.start(timeout=90)
    try:
        nc = await stack.connect_operator()  # the bus is locked: the operator user
        async with aiohttp.ClientSession(base_url=stack.url) as http:
            session = await connected_session(http, nc, stack)
            key = http.headers["Authorization"].removeprefix("Bearer ")
            ingest_rate = await ingest(nc, session, burst)
            delays, sent = await latency(nc, http, session, rate, seconds)
            path = f"/v1/sessions/{session}/messages"
            async with http.get(path) as resp:
                body = await resp.read()
        await nc.close()
        rows: list[Row] = [
            (f"ingest: simulated incoming -> log, burst of {burst:,} (200 in flight)",
             f"{ingest_rate:,.0f} msg/s", "", ""),
            (f"end-to-end: incoming -> gateway query, steady {rate:.0f} msg/s ({sent:,} msgs)",
             f"p50 {percentile(delays, 50) * 1000:.0f} ms",
             f"p99 {percentile(delays, 99) * 1000:.0f} ms", ""),
        ]  # fmt: skip
        from bench.gateway_reads import versus_bare  # they import this module's helpers
        from bench.gateway_stack import stack_pids

        url, pids = stack.url + path, stack_pids(stack)
        rows += await versus_bare(url, body, key, wrk_s, 64, data_dir, "SQLite", pids)
        return rows
    finally:
        stack.stop()


async def wait_listening(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for row in asyncio.run(live_rows(Path(tmp), 1000, 200, 3, 3)):
            print(" | ".join(row))
