"""``inspect`` (one event by stream sequence) and ``stats`` (counts by type and by session)."""

import json
from collections import Counter
from typing import Any

import msgspec
from nats.js import JetStreamContext
from nats.js.errors import APIError, NotFoundError

from cli.events.files import CommandError
from cli.events.records import Selection
from contracts.codec import DecodeError, decode_event
from contracts.subjects import EVENTS_STREAM, parse_event_subject

__all__ = ["LogStats", "inspect_event", "log_stats"]


class LogStats(msgspec.Struct, kw_only=True):
    """Counts of the selected events; ``partial`` when the server listed only some subjects."""

    total: int
    by_type: dict[str, int]
    by_session: dict[str, int]
    first_seq: int
    last_seq: int
    partial: bool = False


async def inspect_event(js: JetStreamContext, seq: int) -> dict[str, Any]:
    """The stored event at ``seq`` with its subject, time and headers, and whether it decodes."""
    try:
        stored = await js.get_msg(EVENTS_STREAM, seq)
    except (NotFoundError, APIError) as exc:
        raise CommandError(f"no event at stream sequence {seq} ({exc})") from exc
    data = stored.data or b""
    shown: dict[str, Any] = {
        "seq": stored.seq,
        "subject": stored.subject,
        "time": stored.time.isoformat() if stored.time else None,
        "headers": stored.headers or {},
    }
    try:
        envelope = decode_event(data)
        shown["decoded"] = f"{envelope.type} v{envelope.version}"
    except DecodeError as exc:
        shown["decode_error"] = str(exc)
    try:
        shown["event"] = json.loads(data)
    except ValueError:
        shown["event"] = data.decode(errors="replace")
    return shown


async def log_stats(js: JetStreamContext, selection: Selection) -> LogStats:
    """Exact counts from the stream's per-subject totals (no event is read)."""
    info = await js.stream_info(EVENTS_STREAM, subjects_filter=selection.filter_subject())
    subjects: dict[str, int] = info.state.subjects or {}
    by_type: Counter[str] = Counter()
    by_session: Counter[str] = Counter()
    for subject, count in subjects.items():
        tenant, session, kind = parse_event_subject(subject)
        by_type[kind] += count
        by_session[f"{tenant}/{session}"] += count
    return LogStats(
        total=sum(subjects.values()),
        by_type=dict(by_type.most_common()),
        by_session=dict(by_session.most_common()),
        first_seq=info.state.first_seq,
        last_seq=info.state.last_seq,
        partial=selection == Selection() and sum(subjects.values()) != info.state.messages,
    )
