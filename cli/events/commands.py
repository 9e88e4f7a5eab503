"""Each ``wa events`` verb: its own arguments, and how it turns them into a call. A verb
imports what it needs when it runs: ``wa events inspect`` must start fast."""

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from nats.js import JetStreamContext

from cli.events.records import Selection, Start, parse_since
from runtime.settings import load_settings

if TYPE_CHECKING:
    from cli.events.progress import Progress

__all__ = ["VERBS", "add_arguments"]


def selection_of(args: argparse.Namespace) -> Selection:
    return Selection(tenant=args.tenant, session=args.session, type=args.type)


def start_of(args: argparse.Namespace) -> Start:
    if args.since:
        return Start(time=parse_since(args.since, datetime.now(UTC)))
    return Start(seq=args.from_seq)


def _progress(label: str) -> "Progress":
    from cli.events.progress import Progress

    return Progress(label, out=sys.stderr, interactive=sys.stderr.isatty())


def _stopped(label: str, stop: asyncio.Event, hint: str) -> int:
    if stop.is_set():
        print(f"wa events {label}: stopped; {hint}", file=sys.stderr)
        return 130
    return 0


async def tail(args: argparse.Namespace, js: JetStreamContext, stop: asyncio.Event) -> int:
    from cli.events import streaming

    await streaming.tail(js, sys.stdout.buffer, selection=selection_of(args), stop=stop)
    return 0


async def replay(args: argparse.Namespace, js: JetStreamContext, stop: asyncio.Event) -> int:
    from cli.events import streaming

    filtered = args.tenant or args.session or args.type
    if args.into:
        selection = selection_of(args) if filtered else None
        pending = await streaming.rewind_durable(
            js, args.into, selection=selection, start=start_of(args)
        )
        print(json.dumps({"durable": args.into, "pending": pending}))
        return 0
    progress = _progress("replay")
    count = await streaming.replay_to(
        js, sys.stdout.buffer, selection=selection_of(args), start=start_of(args), stop=stop,
        progress=progress, checkpoint=args.checkpoint,
    )  # fmt: skip
    progress.finish(written=count)
    return _stopped("replay", stop, "run it again with the same --checkpoint to resume")


async def export(args: argparse.Namespace, js: JetStreamContext, stop: asyncio.Event) -> int:
    from cli.events import transfer

    progress = _progress("export")
    count = await transfer.export_log(
        js, args.file, selection=selection_of(args), start=start_of(args), resume=args.resume,
        stop=stop, progress=progress,
    )  # fmt: skip
    progress.finish(written=count, file=str(args.file))
    return _stopped("export", stop, "run it again with --resume to continue the file")


async def import_(args: argparse.Namespace, js: JetStreamContext, stop: asyncio.Event) -> int:
    from cli.events import transfer

    settings = load_settings()
    progress = _progress("import")
    result = await transfer.import_log(
        js, args.file, stop=stop, progress=progress, skip_lines=args.skip_lines,
        replicas=settings.stream_replicas, dedupe_s=settings.dedupe_window_s,
    )  # fmt: skip
    progress.finish(imported=result.imported, skipped=len(result.skipped))
    report: dict[str, Any] = msgspec.to_builtins(result)
    report["skipped_count"] = len(result.skipped)
    print(json.dumps(report))
    hint = f"run it again with --skip-lines {result.lines_done} to continue"
    return _stopped("import", stop, hint)


async def inspect(args: argparse.Namespace, js: JetStreamContext, _: asyncio.Event) -> int:
    from cli.events import lookup

    print(json.dumps(await lookup.inspect_event(js, args.seq), indent=2))
    return 0


async def stats(args: argparse.Namespace, js: JetStreamContext, _: asyncio.Event) -> int:
    from cli.events import lookup

    result = await lookup.log_stats(js, selection_of(args))
    if args.json:
        print(json.dumps(msgspec.to_builtins(result)))
        return 0
    print(f"events: {result.total} (stream sequences {result.first_seq}..{result.last_seq})")
    for title, counts in (("by type", result.by_type), ("by session", result.by_session)):
        print(f"{title}:")
        width = max((len(key) for key in counts), default=0)
        for key, count in counts.items():
            print(f"  {key:<{width}}  {count}")
    if result.partial:
        print("(partial: the server listed only some subjects; narrow with --tenant)")
    return 0


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "replay":
        parser.add_argument("--into", metavar="DURABLE", help="rewind this durable consumer")
        parser.add_argument("--checkpoint", type=Path, help="resume file for stdout replays")
    elif name == "export":
        parser.add_argument("file", type=Path)
        parser.add_argument("--resume", action="store_true", help="continue an interrupted file")
    elif name == "import":
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-lines", type=int, default=0, help="lines already imported")
    elif name == "inspect":
        parser.add_argument("seq", type=int, help="a stream sequence")
    elif name == "stats":
        parser.add_argument("--json", action="store_true")


VERBS = [
    ("tail", "follow new events live, as NDJSON", tail, False),
    (
        "replay",
        "events from a sequence, a time or the start: NDJSON, or into a durable",
        replay,
        True,
    ),
    ("export", "write events to an NDJSON file (resumable)", export, True),
    ("import", "publish an NDJSON export, de-duplicated by event id", import_, False),
    ("inspect", "one event by stream sequence", inspect, False),
    ("stats", "counts by type and by session", stats, False),
]
