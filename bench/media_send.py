"""The media send figure: a file uploaded and sent through the stack, against the raw object
store moving the same bytes (three ways) in the same round."""

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import msgspec
from nats.aio.client import Client
from nats.js import JetStreamContext

from bench.media_parts import MB
from contracts.subjects import event_filter
from runtime.media.store import CHUNK_SIZE, MediaStore

__all__ = ["RAW", "RAW_BUCKET", "SendRound", "chunks", "raw_rates", "send_once", "send_rounds"]

RAW_BUCKET = "bench_raw"
RawTrip = Callable[[JetStreamContext, str, bytes], Awaitable[None]]


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for at in range(0, len(data), CHUNK_SIZE):
        yield bytes(view[at : at + CHUNK_SIZE])


async def nats_py_trip(js: JetStreamContext, name: str, data: bytes) -> None:
    store = await js.object_store(RAW_BUCKET)
    await store.put(name, data)
    assert (await store.get(name)).data == data


async def nats_py_into_trip(js: JetStreamContext, name: str, data: bytes) -> None:
    store = await js.object_store(RAW_BUCKET)
    await store.put(name, data)
    out = io.BytesIO()
    await store.get(name, writeinto=out)
    assert out.getbuffer().nbytes == len(data)


async def ours_trip(js: JetStreamContext, name: str, data: bytes) -> None:
    store = MediaStore(js)
    stored = await store.put(name, chunks(data), headers={})
    got = b"".join([chunk async for chunk in store.read(stored)])  # as the session service does
    assert len(got) == len(data)


RAW: dict[str, RawTrip] = {
    "nats-py put + get": nats_py_trip,
    "nats-py put + get(writeinto)": nats_py_into_trip,
    "ours: MediaStore put + read": ours_trip,
}


async def raw_rates(js: JetStreamContext, data: bytes, rounds: int) -> dict[str, float]:
    """MB/s of each raw put + get of ``data``: the best of ``rounds``."""
    rates: dict[str, float] = {}
    for label, trip in RAW.items():
        best = 0.0
        for n in range(rounds):
            began = time.perf_counter()
            await trip(js, f"raw.{len(rates)}.{n}", data)
            best = max(best, len(data) / MB / (time.perf_counter() - began))
        rates[label] = best
    return rates


async def send_once(
    http: aiohttp.ClientSession, nc: Client, session: str, data: bytes
) -> tuple[float, float]:
    """Seconds of the upload (to its 201), and from then to ``message.sent`` of its send."""
    sent = asyncio.Event()

    async def on_sent(_: object) -> None:
        sent.set()

    sub = await nc.subscribe(event_filter(session=session, event_type="message.sent"), cb=on_sent)
    began = time.perf_counter()
    upload_headers = {"Content-Type": "image/jpeg"}
    async with http.post("/v1/media?filename=a.jpg", data=data, headers=upload_headers) as resp:
        assert resp.status == 201, await resp.text()
        upload = await resp.json()
    uploaded = time.perf_counter()
    body = {"to": "+201000000001", "media": {"id": upload["id"], "kind": "image"}}
    async with http.post(f"/v1/sessions/{session}/messages", json=body) as resp:
        assert resp.status == 202, await resp.text()
    await asyncio.wait_for(sent.wait(), 120)
    done = time.perf_counter()
    await sub.unsubscribe()
    return uploaded - began, done - uploaded


class SendRound(msgspec.Struct, frozen=True):
    raw: dict[str, float]  # MB/s of each raw put + get
    upload_s: float
    send_s: float
    size: int

    @property
    def rate(self) -> float:
        return self.size / MB / (self.upload_s + self.send_s)

    @property
    def best(self) -> float:
        return max(self.raw.values())

    @property
    def ratio(self) -> float:
        return self.rate / self.best


async def send_rounds(
    http: aiohttp.ClientSession, nc: Client, session: str, data: bytes, rounds: int
) -> list[SendRound]:
    """Each round: every raw put + get of ``data``, then one upload and send of it."""
    out = []
    for n in range(rounds):
        raw = {}
        for label, trip in RAW.items():
            began = time.perf_counter()
            await trip(nc.jetstream(), f"raw.{n}.{len(raw)}", data)
            raw[label] = len(data) / MB / (time.perf_counter() - began)
        upload_s, send_s = await send_once(http, nc, session, data)
        out.append(SendRound(raw=raw, upload_s=upload_s, send_s=send_s, size=len(data)))
    return out
