"""The pure parts of ``wa events``: selections, times, the export line, resuming files, and
progress (with a fake clock)."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from structlog.testing import capture_logs

from cli.events.files import CommandError, last_record, read_checkpoint, write_checkpoint
from cli.events.progress import Progress, render_bar
from cli.events.records import Record, Selection, decode_record, encode_record, parse_since

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def record(seq: int) -> Record:
    return Record(seq=seq, subject="wa.evt.t.s.session.created", time=NOW,
                  event=msgspec.Raw(b'{"id":"e%d","type":"session.created"}' % seq))  # fmt: skip


def test_a_selection_is_a_subject_filter() -> None:
    assert Selection().filter_subject() == "wa.evt.*.*.>"
    assert Selection(tenant="acme", type="message").filter_subject() == "wa.evt.acme.*.message.>"
    assert Selection(session="s1", type="message.sent").filter_subject() == (
        "wa.evt.*.s1.message.sent"
    )


def test_since_takes_a_time_or_a_duration_ago() -> None:
    assert parse_since("15m", NOW) == NOW - timedelta(minutes=15)
    assert parse_since("2d", NOW) == NOW - timedelta(days=2)
    assert parse_since("2026-01-01T09:00:00Z", NOW) == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert parse_since("2026-01-01T09:00:00", NOW).tzinfo == UTC
    with pytest.raises(ValueError, match="neither a time"):
        parse_since("yesterday", NOW)
    with pytest.raises(ValueError):
        parse_since("\u0661\u0665m", NOW)  # Arabic-Indic digits are not a duration


def test_a_record_keeps_the_event_bytes_verbatim() -> None:
    line = encode_record(record(7))
    assert line.endswith(b"\n") and b'"event":{"id":"e7","type":"session.created"}' in line
    again = decode_record(line)
    assert again.seq == 7 and bytes(again.event) == bytes(record(7).event)


def test_resuming_an_export_cuts_a_half_written_line(tmp_path: Path) -> None:
    path = tmp_path / "log.ndjson"
    path.write_bytes(encode_record(record(1)) + encode_record(record(2)) + b'{"seq":3,"subj')
    last = last_record(path)
    assert last is not None and last.seq == 2
    assert path.read_bytes() == encode_record(record(1)) + encode_record(record(2))
    path.write_bytes(b'{"seq":1,"sub')
    assert last_record(path) is None and path.read_bytes() == b""
    path.write_bytes(b"not json\n")
    with pytest.raises(CommandError, match="not an exported event"):
        last_record(path)


def test_a_long_export_is_read_back_from_its_end(tmp_path: Path) -> None:
    path = tmp_path / "log.ndjson"
    path.write_bytes(b"".join(encode_record(record(n)) for n in range(1, 3001)))
    last = last_record(path)
    assert last is not None and last.seq == 3000


def test_a_checkpoint_is_the_last_sequence_written(tmp_path: Path) -> None:
    path = tmp_path / "replay.checkpoint"
    assert read_checkpoint(path) is None
    write_checkpoint(path, 41)
    write_checkpoint(path, 42)
    assert read_checkpoint(path) == 42
    path.write_text("garbage")
    with pytest.raises(CommandError):
        read_checkpoint(path)


def test_the_bar_shows_share_counts_and_rate() -> None:
    assert render_bar("export", 50, 100, 25.0, width=10) == "export [#####-----]  50% 50/100 25/s"
    assert render_bar("tail", 7, None, 3.0) == "tail 7 3/s"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_on_a_terminal_redraws_one_line() -> None:
    clock, out = FakeClock(), io.StringIO()
    progress = Progress("export", out=out, interactive=True, clock=clock)
    clock.now += 1
    progress.advance(10, remaining=30)
    clock.now += 1
    progress.advance(10, remaining=20)
    progress.finish()
    frames = out.getvalue().split("\r")
    assert frames[1].startswith("export [#######") and "10/40 10/s" in frames[1]
    assert "20/40 10/s" in frames[-1] and out.getvalue().endswith("\n")


def test_progress_elsewhere_logs_counts_and_rate_every_few_seconds() -> None:
    clock, out = FakeClock(), io.StringIO()
    with capture_logs() as logs:
        progress = Progress("import", out=out, interactive=False, clock=clock, log_every=5)
        for _ in range(12):
            clock.now += 1
            progress.advance(100)
        progress.finish(skipped=3)
    assert out.getvalue() == ""
    lines = [(entry["event"], entry["count"], entry["rate"]) for entry in logs]
    assert lines == [
        ("events.import.progress", 500, 100),
        ("events.import.progress", 1000, 100),
        ("events.import.done", 1200, 100),
    ]
    assert logs[-1]["skipped"] == 3
