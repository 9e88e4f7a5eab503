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
import os
import statistics
import tempfile
from pathlib import Path

import aiohttp

from bench.media_load import receive, upload_memory
from bench.media_parts import ENV, MB, jpeg
from bench.media_send import RAW, RAW_BUCKET, SendRound, raw_rates, send_once, send_rounds
from bench.stack_live import connected_session
from bench.stack_projection import Row
from cli.stack import LocalStack

__all__ = ["add_arguments", "media_rows"]


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
