"""The media load figures: many files arriving at once, and many uploads at once."""

import asyncio
import time

import aiohttp
import msgspec
from nats.aio.client import Client

from bench.media_parts import gateway_rss, jpeg, pdf, wait_for
from bench.media_send import chunks
from contracts.simulator import SimIncoming, SimIncomingMedia
from contracts.subjects import event_filter, sim_subject
from runtime.media.store import MediaStore

__all__ = ["receive", "upload_memory"]

_encode = msgspec.json.Encoder().encode


async def receive(nc: Client, session: str, count: int, size: int) -> tuple[int, int, float]:
    """(stored with the right digest, failed, seconds to the last media_stored) for ``count``
    images of ``size`` bytes sent by the simulated phone at once."""
    store, digests = MediaStore(nc.jetstream()), {}
    for n in range(count):  # the phone's files, placed before the clock starts
        data = jpeg(size)
        stored = await store.put(f"sim.{session}.in{n}", chunks(data), headers={})
        digests[f"in{n}"] = stored.sha256
    stored_ids: set[str] = set()
    failed: set[str] = set()
    last = 0.0

    async def on_event(msg: object) -> None:
        nonlocal last
        event = msgspec.json.decode(msg.data)  # type: ignore[attr-defined]
        payload = event["payload"]
        if event["type"] == "message.media_failed":
            failed.add(payload["message_id"])
        elif digests.get(payload["message_id"]) == payload["sha256"]:
            stored_ids.add(payload["message_id"])
            last = time.perf_counter()

    subs = [
        await nc.subscribe(event_filter(session=session, event_type=kind), cb=on_event)
        for kind in ("message.media_stored", "message.media_failed")
    ]

    async def phone_sends(n: int) -> None:
        media = SimIncomingMedia(kind="image", mime="image/jpeg", object=f"sim.{session}.in{n}")
        msg = SimIncoming(
            session=session, sender="+201000000002", text="", media=media, message_id=f"in{n}"
        )
        reply = await nc.request(sim_subject("incoming"), _encode(msg), timeout=60)
        assert b'"ok":true' in reply.data, reply.data

    began = time.perf_counter()
    await asyncio.gather(*(phone_sends(n) for n in range(count)))
    await wait_for(lambda: len(stored_ids) + len(failed) >= count, 300)
    for sub in subs:
        await sub.unsubscribe()
    return len(stored_ids), len(failed), last - began


async def upload_memory(
    http: aiohttp.ClientSession, pid: int, clients: int, size: int
) -> tuple[float, float, float, float]:
    """(RSS before, peak, after in MiB, seconds) for ``clients`` uploads of ``size`` at once."""
    data = pdf(size)

    async def one() -> None:
        headers = {"Content-Type": "application/pdf"}
        async with http.post("/v1/media?filename=big.pdf", data=data, headers=headers) as resp:
            assert resp.status == 201, await resp.text()

    await one()  # warm: the first upload's allocations are not growth
    before = gateway_rss(pid, "VmRSS")
    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    took = time.perf_counter() - began
    return before, gateway_rss(pid, "VmHWM"), gateway_rss(pid, "VmRSS"), took
