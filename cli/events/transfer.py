"""``export`` and ``import``: moving or archiving the log as NDJSON, resumable both ways."""

import asyncio
from pathlib import Path
from typing import BinaryIO

import msgspec
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from cli.events.files import CommandError, last_record
from cli.events.progress import Progress
from cli.events.reading import read_log
from cli.events.records import Selection, Start, decode_record, encode_record
from contracts.codec import DecodeError, decode_event
from contracts.subjects import EVENTS_STREAM, event_subject
from runtime.eventlog import ensure_stream

__all__ = ["ImportResult", "export_log", "import_log"]


class ImportResult(msgspec.Struct, kw_only=True):
    """What an import did: events published, ids the log already had, where it stopped."""

    imported: int = 0
    skipped: list[str] = msgspec.field(default_factory=list)
    lines_done: int = 0
    stopped: bool = False


class _Id(msgspec.Struct):
    id: str


_id_decoder = msgspec.json.Decoder(_Id)


async def export_log(
    js: JetStreamContext,
    path: Path,
    *,
    selection: Selection,
    start: Start,
    resume: bool,
    stop: asyncio.Event,
    progress: Progress,
    batch_size: int = 500,
) -> int:
    """Append the selected events to ``path``; with ``resume``, continue after its last line."""
    if path.exists() and not resume:
        raise CommandError(f"{path} exists: add --resume to continue it, or choose a new file")
    if resume and path.exists() and (last := last_record(path)) is not None:
        start = Start(seq=last.seq + 1)
    written = 0
    out: BinaryIO | None = None  # opened on the first batch: a failed start leaves no file
    try:
        async for batch in read_log(js, selection, start, stop, batch_size=batch_size):
            out = out or path.open("ab")
            out.write(b"".join(encode_record(record) for record in batch.records))
            out.flush()
            written += len(batch.records)
            progress.advance(len(batch.records), remaining=batch.remaining)
    finally:
        if out is not None:
            out.close()
    path.touch()  # nothing matched: still an (empty) export
    return written


def _check(path: Path) -> int:
    """Validate every line before anything is published; returns the number of lines."""
    count = 0
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                record = decode_record(line)
                envelope = decode_event(record.event)
            except (ValueError, DecodeError) as exc:
                raise CommandError(f"{path}:{number}: not an exported event: {exc}") from exc
            expected = event_subject(envelope.tenant, envelope.session, envelope.type)
            if record.subject != expected:
                raise CommandError(
                    f"{path}:{number}: subject {record.subject!r} does not match its event "
                    f"({expected!r})"
                )
            count = number
    return count


async def import_log(
    js: JetStreamContext,
    path: Path,
    *,
    stop: asyncio.Event,
    progress: Progress,
    skip_lines: int = 0,
    replicas: int = 1,
    dedupe_s: float = 600,
) -> ImportResult:
    """Publish each event with its own id as ``Nats-Msg-Id``, in file order; the stream is
    created (``replicas``, ``dedupe_s``) only when the server has none."""
    total = _check(path)
    try:
        await js.stream_info(EVENTS_STREAM)  # an existing stream keeps its settings
    except NotFoundError:
        await ensure_stream(js, replicas=replicas, dedupe_s=dedupe_s)
    result = ImportResult(lines_done=min(skip_lines, total))
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if number <= skip_lines:
                continue
            if stop.is_set():
                result.stopped = True
                break
            record = decode_record(line)
            data = bytes(record.event)
            event_id = _id_decoder.decode(data).id
            ack = await js.publish(
                record.subject, data, stream=EVENTS_STREAM, headers={"Nats-Msg-Id": event_id}
            )
            if ack.duplicate:
                result.skipped.append(event_id)
            else:
                result.imported += 1
            result.lines_done = number
            progress.advance(remaining=total - number)
    return result
