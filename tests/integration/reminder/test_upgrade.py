"""A reminder database of the layout before the runtime kit opens as the kit's: the consumer's
position and the events a crash left staged are kept (the staged bytes as they were). On a
SQLite file and on PostgreSQL (skipped, saying why, when unreachable)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, insert
from sqlalchemy.ext.asyncio import create_async_engine

from contracts.codec import encode_event
from contracts.envelope import make_event
from contracts.events import ReminderSent
from contracts.subjects import event_subject
from runtime.sql.outbox import SqlOutbox
from runtime.sql.tracking import SqlTracking
from runtime.sql.types import UtcDateTime
from services.reminder.adapters.database import open_engine
from tests.support.postgres import scratch_database

OLD = MetaData()
OLD_POSITIONS = Table("consumer_positions", OLD, Column("name", String(128), primary_key=True),
                      Column("position", BigInteger, nullable=False))  # fmt: skip
OLD_OUTBOX = Table("outbox", OLD, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("instance", String(64), nullable=False),
                   Column("event_id", String(64), nullable=False),
                   Column("data", LargeBinary, nullable=False),
                   Column("created_at", UtcDateTime, nullable=False))  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'reminder.db'}"
        return
    async with scratch_database("wa_reminder_upgrade") as postgres:
        yield postgres


async def test_an_older_layout_keeps_its_position_and_its_staged_events(url: str) -> None:
    env = make_event(ReminderSent(reminder_id="r1", message_id="3EB0AA"), tenant="t1",
                     session="s1")  # fmt: skip
    data = encode_event(env)
    old = create_async_engine(url)
    async with old.begin() as conn:
        await conn.run_sync(OLD.create_all)
        await conn.execute(insert(OLD_POSITIONS).values(name="reminder-main", position=42))
        staged = {"instance": "main", "event_id": env.id, "data": data,
                  "created_at": datetime(2026, 1, 1, tzinfo=UTC)}  # fmt: skip
        await conn.execute(insert(OLD_OUTBOX).values(**staged))
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
