"""Media benchmark (issue 15), on one running stack (``cli.stack.LocalStack``: every service
a process, the simulator for WhatsApp, the JetStream object store ``wa_media``):

    .venv/bin/python -m bench.media                 # the issue's sizes (~40 s on 2 cores)
    .venv/bin/python -m bench.media --send-mb 5 --rounds 9 --incoming 200 --clients 20

Rows, measured in this run:

(a) media send: a 5 MB image uploaded (``POST /v1/media``) and sent (``POST …/messages``)
    through the gateway and the session service to the simulator, from the upload's first
    byte to ``message.sent``. Each round first moves the same bytes in and out of the raw
    object store three ways (nats-py's ``put`` + ``get``; ``get`` into a file object; ours,
    ``runtime.media.store``, put + read); the ratio is to the fastest of them in that round.
    Target: the median of the rounds' ratios ≥ 0.5.
(b) media receive: N images of 1 MB arriving at once from the simulated phone, each
    downloaded by the session service and kept; all stored, none lost; time to the last
    ``message.media_stored``, against the fastest raw put + get of 1 MB.
(c) media upload: M clients uploading K MB each at once; the gateway's resident memory
    before, at its peak (``VmHWM``) and after. Target: growth ≤ 64 MiB.

Pacing is off (no spacing or jitter, no per-minute budget: ``bench/media_parts.py``): the
figure is the data path, not the deliberate wait between sends. Never run in CI.
"""

import argparse
import asyncio
import io
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import msgspec
from nats.aio.client import Client
from nats.js import JetStreamContext

from bench.media_parts import ENV, MB, gateway_rss, jpeg, pdf, wait_for
from bench.stack_live import connected_session
from bench.stack_projection import Row
from cli.stack import LocalStack
from contracts.simulator import SimIncoming, SimIncomingMedia
from contracts.subjects import event_filter, sim_subject
from runtime.media.store import CHUNK_SIZE, MediaStore

__all__ = ["media_rows"]

RAW_BUCKET = "bench_raw"
_encode = msgspec.json.Encoder().encode
RawTrip = Callable[[JetStreamContext, str, bytes], Awaitable[None]]


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
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
    stored = await store.put(name, _chunks(data), headers={})
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


async def receive(nc: Client, session: str, count: int, size: int) -> tuple[int, int, float]:
    """(stored with the right digest, failed, seconds to the last media_stored) for ``count``
    images of ``size`` bytes sent by the simulated phone at once."""
    store, digests = MediaStore(nc.jetstream()), {}
    for n in range(count):  # the phone's files, placed before the clock starts
        data = jpeg(size)
        stored = await store.put(f"sim.{session}.in{n}", _chunks(data), headers={})
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


async def media_rows(data_dir: Path, args: argparse.Namespace) -> list[Row]:
    stack = LocalStack(data_dir, env=ENV)
    await stack.start(timeout=90)
    try:
        nc = await stack.connect_operator()
        js = nc.jetstream()
        await js.create_object_store(RAW_BUCKET)
        async with aiohttp.ClientSession(base_url=stack.url) as http:
            session = await connected_session(http, nc, stack)
            image = jpeg(args.send_mb * MB)
            await send_once(http, nc, session, image)  # warm: first connections, first send
            sends = await send_rounds(http, nc, session, image, args.rounds)
            small = await raw_rates(js, jpeg(MB), args.rounds)
            received = await receive(nc, session, args.incoming, MB)
            memory = await upload_memory(
                http, stack.procs["gateway"].pid, args.clients, args.upload_mb * MB
            )
        await nc.close()
    finally:
        stack.stop()
    return send_rows(args, sends) + other_rows(args, small, received, memory)


def send_rows(args: argparse.Namespace, rounds: list[SendRound]) -> list[Row]:
    """The verdict is the median of the rounds' own ratios: on a shared machine one slow
    moment of either side swings a ratio of medians or of bests."""
    median = statistics.median
    raw = {label: median(r.raw[label] for r in rounds) for label in RAW}
    upload_s, send_s = median(r.upload_s for r in rounds), median(r.send_s for r in rounds)
    out: list[Row] = [
        (f"media send: {args.send_mb} MB image, upload -> simulator, median of {len(rounds)}",
         f"{median(r.rate for r in rounds):.1f} MB/s (upload {upload_s * 1000:.0f} ms, "
         f"then sent in {send_s * 1000:.0f} ms)",
         f"fastest raw put + get in each round, median {median(r.best for r in rounds):.1f} MB/s",
         f"{median(r.ratio for r in rounds):.2f}"),
        ("  media send, each round: ours / fastest raw MB/s", "",
         "  ".join(f"{r.rate:.0f}/{r.best:.0f}" for r in rounds),
         " ".join(f"{r.ratio:.2f}" for r in rounds)),
    ]  # fmt: skip
    out += [(f"  raw, for context: {label}", "", f"median {rate:.1f} MB/s",
             f"{median(r.rate / r.raw[label] for r in rounds):.2f}")
            for label, rate in raw.items()]  # fmt: skip
    return out


def other_rows(
    args: argparse.Namespace,
    small: dict[str, float],
    received: tuple[int, int, float],
    memory: tuple[float, float, float, float],
) -> list[Row]:
    stored, failed, seconds = received
    lost = args.incoming - stored - failed
    small_label, small_best = max(small.items(), key=lambda item: item[1])
    ours = args.incoming / seconds  # MB/s: each file is 1 MB
    before, peak, after, took = memory
    total = args.clients * args.upload_mb
    return [
        (f"media receive: {args.incoming} x 1 MB images at once -> media_stored",
         f"{stored} stored, {failed} failed, {lost} lost; last after {seconds:.1f} s "
         f"({ours:.1f} MB/s)",
         f"{small_label} of 1 MB {small_best:.1f} MB/s", f"{ours / small_best:.2f}"),
        (f"media upload: {args.clients} clients x {args.upload_mb} MB at once, gateway RSS",
         f"+{peak - before:.1f} MiB at peak ({before:.0f} -> {peak:.0f} MiB), "
         f"+{after - before:.1f} MiB after",
         f"target +64 MiB; {total:,} MB in {took:.1f} s ({total / took:.0f} MB/s)",
         f"{(peak - before) / 64:.2f}"),
    ]  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--send-mb", type=int, default=5, help="MB, the image of media send")
    parser.add_argument("--rounds", type=int, default=9, help="of media send, each with references")
    parser.add_argument("--incoming", type=int, default=200, help="1 MB images, media receive")
    parser.add_argument("--clients", type=int, default=20, help="at once, media upload")
    parser.add_argument("--upload-mb", type=int, default=50, help="MB per client, media upload")


def main() -> None:
    from bench.run_all import table

    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_media_") as tmp:
        result = asyncio.run(media_rows(Path(tmp), args))
    print(f"\nmedia benchmark, {os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}\n")
    print(table(result))


if __name__ == "__main__":
    main()
