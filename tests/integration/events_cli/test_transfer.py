"""``wa events export`` / ``import`` on real NATS servers: a log moved to a fresh server is the
same log (ids, order, bytes); a re-import is de-duplicated and reported; a bad file changes
nothing; an interrupted export resumes to the complete file without duplicates."""

import asyncio
import io
import json
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from cli.events.files import CommandError
from cli.events.progress import Progress
from cli.events.records import Record, Selection, Start, decode_record, encode_record
from cli.events.transfer import export_log, import_log
from contracts.codec import encode_event
from contracts.subjects import EVENTS_STREAM, event_subject
from runtime.bus import Bus
from runtime.embedded_nats import EmbeddedNats, free_port
from runtime.nats_conn import connect
from tests.integration.events_cli.logdata import publish_all, varied_events
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]


def wa_events(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cli.main", "events", "--nats-url", url, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def records(path: Path) -> list[Record]:
    return [decode_record(line) for line in path.read_bytes().splitlines(keepends=True)]


class StopsAfter(Progress):
    """The real progress reporter, which also presses Ctrl-C after ``limit`` events."""

    def __init__(self, stop: asyncio.Event, limit: int) -> None:
        super().__init__("export", out=io.StringIO(), interactive=False)
        self.stop, self.limit = stop, limit

    def advance(self, count: int = 1, *, remaining: int | None = None) -> None:
        super().advance(count, remaining=remaining)
        if self.done >= self.limit:
            self.stop.set()


async def export(js: JetStreamContext, path: Path, *, resume: bool, stop_after: int = 10**9) -> int:
    stop = asyncio.Event()
    return await export_log(
        js, path, selection=Selection(), start=Start(), resume=resume, stop=stop,
        progress=StopsAfter(stop, stop_after), batch_size=7,
    )  # fmt: skip


async def test_export_then_import_into_a_fresh_server_gives_the_same_log(
    bus: Bus, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    published = varied_events(40)
    await publish_all(bus, published)
    archive, copy = tmp_path / "log.ndjson", tmp_path / "copy.ndjson"
    second = EmbeddedNats(tmp_path / "second")
    await second.start()
    try:
        assert wa_events(nats_server.url, "export", str(archive)).returncode == 0
        imported = wa_events(second.url, "import", str(archive))
        assert imported.returncode == 0, imported.stderr
        assert json.loads(imported.stdout)["imported"] == 40
        second_nc = await connect(second.url, "copy")
        await export(second_nc.jetstream(), copy, resume=False)
        await second_nc.close()

        again = wa_events(second.url, "import", str(archive))
        report = json.loads(again.stdout)
        assert report["imported"] == 0 and report["skipped_count"] == 40
        assert report["skipped"] == [event.id for event in published]
        nc = await connect(second.url, "check")
        info = await nc.jetstream().stream_info(EVENTS_STREAM)
        await nc.close()
        assert info.state.messages == 40
    finally:
        second.stop()

    original, moved = records(archive), records(copy)
    assert [json.loads(bytes(r.event))["id"] for r in moved] == [event.id for event in published]
    assert [bytes(r.event) for r in moved] == [bytes(r.event) for r in original]
    assert [r.subject for r in moved] == [r.subject for r in original]
    assert [r.seq for r in moved] == list(range(1, 41))


async def test_a_bad_import_file_is_refused_and_nothing_is_published(tmp_path: Path) -> None:
    good = varied_events(3)
    lines = [
        json.dumps({"seq": n + 1, "subject": f"wa.evt.{e.tenant}.{e.session}.{e.type}",
                    "time": "2026-01-01T00:00:00Z", "event": json.loads(encode_event(e))})
        for n, e in enumerate(good)
    ]  # fmt: skip
    lines[2] = lines[2].replace("wa.evt.other", "wa.evt.evil")  # not the event's subject
    bad = tmp_path / "bad.ndjson"
    bad.write_text("\n".join(lines) + "\n")
    target = EmbeddedNats(tmp_path / "target")
    await target.start()
    try:
        result = wa_events(target.url, "import", str(bad))
        nc = await connect(target.url, "check")
        with pytest.raises(NotFoundError):
            await nc.jetstream().stream_info(EVENTS_STREAM)
        await nc.close()
    finally:
        target.stop()
    assert result.returncode == 2
    assert f"{bad}:3:" in result.stderr


async def test_an_interrupted_export_resumes_to_the_complete_file(bus: Bus, tmp_path: Path) -> None:
    published = varied_events(50)
    await publish_all(bus, published)
    path = tmp_path / "log.ndjson"
    first = await export(bus.js, path, resume=False, stop_after=20)
    assert 20 <= first < 50
    with pytest.raises(CommandError, match="--resume"):
        await export(bus.js, path, resume=False)
    with path.open("ab") as file:
        file.write(b'{"seq":999,"subject":"wa.evt.acme.s1.mess')  # killed in mid-write
    rest = await export(bus.js, path, resume=True)
    assert first + rest == 50
    exported = records(path)
    assert [r.seq for r in exported] == list(range(1, 51))
    assert [json.loads(bytes(r.event))["id"] for r in exported] == [e.id for e in published]
    assert await export(bus.js, path, resume=True) == 0  # complete: nothing more to add


def test_an_unreachable_server_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    result = wa_events(f"nats://127.0.0.1:{free_port()}", "export", str(tmp_path / "x.ndjson"))
    assert result.returncode == 2 and "cannot reach NATS" in result.stderr
    assert not (tmp_path / "x.ndjson").exists()


async def test_a_stopped_import_continues_with_skip_lines(bus: Bus, tmp_path: Path) -> None:
    events = varied_events(30)
    archive = tmp_path / "archive.ndjson"
    archive.write_bytes(b"".join(
        encode_record(Record(seq=n, subject=event_subject(e.tenant, e.session, e.type),
                             time=datetime.now(UTC), event=msgspec.Raw(encode_event(e))))
        for n, e in enumerate(events, start=1)
    ))  # fmt: skip
    stop = asyncio.Event()
    first = await import_log(bus.js, archive, stop=stop, progress=StopsAfter(stop, 12))
    assert first.stopped and first.imported == first.lines_done == 12
    rest = await import_log(bus.js, archive, stop=asyncio.Event(),
                            progress=StopsAfter(asyncio.Event(), 99), skip_lines=12)  # fmt: skip
    assert not rest.stopped and rest.imported == 18 and rest.skipped == []
    info = await bus.js.stream_info(EVENTS_STREAM)
    assert info.state.messages == 30


async def test_ctrl_c_stops_an_export_cleanly_and_resume_completes_it(
    bus: Bus, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    published = varied_events(2000)
    await asyncio.gather(*(bus.publisher.publish(event) for event in published))
    path = tmp_path / "log.ndjson"
    command = [sys.executable, "-m", "cli.main", "events", "--nats-url", nats_server.url,
               "export", str(path)]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)

    async def started() -> bool:
        return path.exists() and path.stat().st_size > 0

    await eventually(started, interval=0.005)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    if process.returncode == 130:  # stopped part-way (the usual case), with the way on
        assert "--resume" in stderr
    else:
        assert process.returncode == 0  # it had already finished
    await export(bus.js, path, resume=True)
    exported = records(path)
    assert [r.seq for r in exported] == sorted(r.seq for r in exported)
    assert sorted(json.loads(bytes(r.event))["id"] for r in exported) == sorted(
        e.id for e in published
    )
