"""Webhook delivery throughput, measured in one run: one session (one lane, strictly serial)
against many sessions (lanes in parallel), and many sessions with 10% first attempts failing.

    .venv/bin/python -m bench.webhooks_delivery [events]

Real NATS, SQLite, the webhooks service in-process and a receiver on loopback."""

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import msgspec
from nats.aio.client import Client

from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.subjects import webhooks_subject
from contracts.webhooks import CreateWebhook
from runtime import rpc
from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.logging import configure_logging
from runtime.settings import load_settings
from services.webhooks.bootstrap import run
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually


async def scenario(events: int, sessions: int, failing: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        nats = EmbeddedNats(Path(tmp) / "nats")
        await nats.start()
        settings = load_settings(
            {},
            nats_url=nats.url,
            data_dir=tmp,
            webhook_backoff_s=0.01,
            webhook_backoff_max_s=0.05,
            webhook_allow_private_targets=True,
        )
        bus = await open_bus(settings, "bench")
        receiver = Receiver()
        if failing:
            receiver.respond = lambda nth, e: 500 if nth == 1 and hash(e["id"]) % 10 == 0 else 200
        await receiver.start()
        stop = asyncio.Event()
        service = asyncio.create_task(run(settings, stop))
        await eventually(lambda: _answers(bus.nc))
        create = CreateWebhook(tenant="t1", url=receiver.url, events=["*"])
        await rpc.request(bus.nc, webhooks_subject(), msgspec.json.encode(create), timeout=5)
        began = time.perf_counter()
        for i in range(events):
            event = make_event(
                SessionCreated(name=f"n{i}"), tenant="t1", session=f"s{i % sessions}"
            )
            await bus.publisher.publish(event)
        await eventually(lambda: receiver.got(events), timeout=600, interval=0.01)
        elapsed = time.perf_counter() - began
        stop.set()
        await service
        await receiver.stop()
        await bus.close()
        nats.stop()
        return elapsed


async def _answers(nc: Client) -> bool:
    try:
        await rpc.request(nc, rpc.ping_subject("webhooks"), b"", timeout=0.5)
    except rpc.BackendUnavailable:
        return False
    return True


async def main(events: int) -> None:
    configure_logging("bench", fmt="json", level="warning")
    rows = [
        ("1 session (one lane)", 1, False),
        ("20 sessions (20 lanes)", 20, False),
        ("20 sessions, 10% first attempts fail", 20, True),
    ]
    results = [
        (name, await scenario(events, sessions, failing)) for name, sessions, failing in rows
    ]
    base = results[0][1]
    print(f"\n{'scenario':40} {'events':>7} {'seconds':>8} {'per s':>8} {'vs 1 lane':>10}")
    for name, seconds in results:
        print(
            f"{name:40} {events:7d} {seconds:8.2f} {events / seconds:8.0f} {base / seconds:9.2f}x"
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
