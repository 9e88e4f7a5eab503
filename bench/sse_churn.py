"""The gateway's memory under SSE churn: a real gateway process on a real NATS server, and N
``GET /v1/events`` streams opened (read up to their ``: connected`` line) and closed.

    .venv/bin/python -m bench.sse_churn                     # 11,000 streams, 20 at a time
    .venv/bin/python -m bench.sse_churn --streams 2000 --parallel 50

Prints the gateway's resident memory before, after the churn (once its open-streams gauge is
back to 0), the growth, and the growth per 1,000 streams. The target: under 5 MiB for 11,000.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats, free_port
from runtime.settings import load_settings

ADMIN = "adm_bench"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def until_ready(http: aiohttp.ClientSession, url: str, proc: subprocess.Popen[bytes]) -> None:
    while proc.poll() is None:
        try:
            async with http.get(url + "/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the gateway exited with {proc.returncode}")


async def streams_open(http: aiohttp.ClientSession, url: str) -> float:
    async with http.get(url + "/metrics") as resp:
        for line in (await resp.text()).splitlines():
            if line.startswith("wa_sse_streams_open "):
                return float(line.split()[1])
    return -1.0


async def churn(http: aiohttp.ClientSession, url: str, key: str, count: int, parallel: int) -> int:
    """Opens and closes ``count`` streams; how many were refused (not 200)."""
    gate = asyncio.Semaphore(parallel)
    headers = {"Authorization": f"Bearer {key}"}
    refused = 0

    async def one() -> None:
        nonlocal refused
        async with gate, http.get(url + "/v1/events", headers=headers) as resp:
            if resp.status != 200:
                refused += 1
                return
            await resp.content.readline()

    await asyncio.gather(*(one() for _ in range(count)))
    while await streams_open(http, url) != 0:  # noqa: ASYNC110 (polling the gateway)
        await asyncio.sleep(0.2)
    return refused


async def measure(data: Path, count: int, parallel: int, warm_up: int) -> None:
    nats = EmbeddedNats(data / "nats")
    await nats.start()
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "WA_NATS_URL": nats.url,
        "WA_GATEWAY_PORT": str(port),
        "WA_ADMIN_TOKEN": ADMIN,
        "WA_GATEWAY_RATE_PER_S": "0",
        "WA_LOG_LEVEL": os.environ.get("WA_LOG_LEVEL", "warning"),
        "WA_DATA_DIR": str(data / "data"),
        **{k: v for k, v in os.environ.items() if k.startswith("MALLOC_")},
    }
    bus = await open_bus(load_settings({}, nats_url=nats.url), "bench")  # makes the stream
    proc = subprocess.Popen([sys.executable, "-m", "services.gateway"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await until_ready(http, url, proc)
            admin = {"Authorization": f"Bearer {ADMIN}"}
            async with http.post(url + "/v1/tenants", json={"name": "b"}, headers=admin) as resp:
                key = (await resp.json())["api_key"]
            await churn(http, url, key, warm_up, parallel)
            before = rss_mib(proc.pid)
            began = time.perf_counter()
            refused = await churn(http, url, key, count, parallel)
            seconds = time.perf_counter() - began
            after = rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
        await bus.close()
        nats.stop()
    growth = after - before
    print(f"{'streams':>8} {'parallel':>8} {'refused':>8} {'RSS before':>11} {'RSS after':>10} "
          f"{'growth':>8} {'per 1000':>9} {'seconds':>8}")  # fmt: skip
    print(f"{count:>8,} {parallel:>8} {refused:>8,} {before:>7.1f} MiB {after:>6.1f} MiB "
          f"{growth:>4.1f} MiB {growth * 1000 / count:>5.2f} MiB {seconds:>8.1f}")  # fmt: skip
    print(f"target: growth under 5 MiB for 11,000 streams -> {'met' if growth < 5 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, default=11_000)
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=1000, help="streams before the first figure")
    parser.add_argument("--data", type=Path, help="keep the NATS data and log here")
    args = parser.parse_args()
    if args.data:
        asyncio.run(measure(args.data, args.streams, args.parallel, args.warm_up))
        return
    with tempfile.TemporaryDirectory(prefix="sse_churn_") as tmp:
        asyncio.run(measure(Path(tmp), args.streams, args.parallel, args.warm_up))


if __name__ == "__main__":
    main()
