"""docs/examples/subscriber.py on a real NATS server: its own durable consumer with a tenant
filter, and idempotent processing when acks are lost and JetStream redelivers."""

import asyncio
import importlib.util
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from contracts.envelope import Envelope, make_event
from contracts.events import MessageReceived, SessionCreated
from runtime.bus import Bus
from tests.support.waiting import eventually

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "examples" / "subscriber.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_subscriber", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = load_example()


class LosesAcks(example.Subscriber):  # type: ignore[misc,name-defined]
    """The real subscriber, except that its first acks never reach the server (a crash
    after the commit and before the ack)."""

    def __init__(self, *args: Any, lose: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.lose = lose

    async def ack(self, msg: Any) -> None:
        if self.lose > 0:
            self.lose -= 1
            return
        await super().ack(msg)


def received(tenant: str, session: str, n: int) -> Envelope:
    payload = MessageReceived(
        message_id=f"m{n}",
        chat_jid="201234567890@s.whatsapp.net",
        sender_jid="201234567890@s.whatsapp.net",
        text=f"hello {n}",
        sent_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return make_event(payload, tenant=tenant, session=session)


def rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("SELECT session, message_id FROM messages").fetchall())


async def run_until(subscriber: Any, done: Any) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(subscriber.run(stop))

    async def probe() -> bool:
        if task.done():
            task.result()
        return bool(done())

    try:
        await eventually(probe, timeout=15)
    finally:
        stop.set()
        await task


async def test_filtered_durable_consumer_processes_each_event_once(
    bus: Bus, tmp_path: Path
) -> None:
    mine = [received("acme", f"s{n % 2}", n) for n in range(5)]
    for event in [*mine, received("other", "s9", 99)]:
        await bus.publisher.publish(event)
    await bus.publisher.publish(make_event(SessionCreated(name="x"), tenant="acme", session="s0"))
    db = tmp_path / "inbox.sqlite"

    first = LosesAcks(
        bus.js, example.Inbox(str(db)), tenant="acme", durable="team-b", ack_wait=1, lose=3
    )
    await run_until(first, lambda: first.processed == 5 and first.duplicates >= 3)
    assert rows(db) == sorted((e.session, f"m{n}") for n, e in enumerate(mine))

    for n in (5, 6):
        await bus.publisher.publish(received("acme", "s1", n))
    again = example.Subscriber(bus.js, example.Inbox(str(db)), tenant="acme", durable="team-b")
    await run_until(again, lambda: again.processed == 2)
    assert again.duplicates == 0
    assert len(rows(db)) == 7 and ("s9", "m99") not in rows(db)


async def test_an_undecodable_event_is_set_aside_not_retried(bus: Bus, tmp_path: Path) -> None:
    await bus.js.publish("wa.evt.acme.s1.message.received", b"{not an envelope")
    await bus.publisher.publish(received("acme", "s1", 1))
    db = tmp_path / "inbox.sqlite"
    subscriber = example.Subscriber(
        bus.js, example.Inbox(str(db)), tenant="acme", durable="team-b", ack_wait=1
    )
    await run_until(subscriber, lambda: subscriber.processed == 1)

    async def settled() -> bool:
        info = await bus.js.consumer_info("WA_EVENTS", "team-b")
        return bool(info.num_ack_pending == 0 and info.ack_floor.stream_seq == 2)

    await eventually(settled)
    assert (await bus.js.consumer_info("WA_EVENTS", "team-b")).num_redelivered == 0
    assert rows(db) == [("s1", "m1")]
