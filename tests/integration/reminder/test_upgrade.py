"""A reminder database of the layout before the runtime kit opens as the kit's: the consumer's
position and the events a crash left staged are kept (the staged bytes as they were)."""

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from contracts.codec import encode_event
from contracts.envelope import make_event
from contracts.events import ReminderSent
from contracts.subjects import event_subject
from runtime.sql.outbox import SqlOutbox
from runtime.sql.tracking import SqlTracking
from services.reminder.adapters.database import open_engine

OLD_LAYOUT = [
    "CREATE TABLE consumer_positions (name VARCHAR(128) PRIMARY KEY, position BIGINT NOT NULL)",
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, instance VARCHAR(64) NOT NULL,"
    " event_id VARCHAR(64) NOT NULL, data BLOB NOT NULL, created_at DATETIME NOT NULL)",
]


async def test_an_older_layout_keeps_its_position_and_its_staged_events(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'reminder.db'}"
    env = make_event(ReminderSent(reminder_id="r1", message_id="3EB0AA"), tenant="t1",
                     session="s1")  # fmt: skip
    data = encode_event(env)
    old = create_async_engine(url)
    async with old.begin() as conn:
        for statement in OLD_LAYOUT:
            await conn.execute(text(statement))
        await conn.execute(text("INSERT INTO consumer_positions VALUES ('reminder-main', 42)"))
        await conn.execute(
            text("INSERT INTO outbox (instance, event_id, data, created_at) "
                 "VALUES ('main', :id, :data, '2026-01-01 09:00:00')"),
            {"id": env.id, "data": data},
        )  # fmt: skip
    await old.dispose()
    engine = await open_engine(url)
    try:
        assert await SqlTracking(engine).position("reminder-main") == 42
        [pending] = await SqlOutbox(engine, "main").pending(orphaned_before=env.occurred_at,
                                                            limit=10)  # fmt: skip
        assert pending.message.id == env.id and pending.message.data == data
        assert pending.message.subject == event_subject("t1", "s1", "reminder.sent")
        await engine.dispose()
        engine = await open_engine(url)  # a second start changes nothing
        assert await SqlTracking(engine).position("reminder-main") == 42
    finally:
        await engine.dispose()
