"""A reminder database made by the version before the runtime kit (its own
``consumer_positions`` and ``outbox`` tables) opens with its position kept and its staged
events published as they were stored: nothing replayed, nothing skipped, nothing lost."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    insert,
)

from contracts.codec import encode_event
from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.subjects import EVENTS_STREAM
from runtime.bus import Bus
from runtime.outbox_relay import OutboxRelay
from runtime.sql.engine import open_engine
from runtime.sql.outbox import SqlOutbox
from runtime.sql.tracking import SqlTracking
from runtime.sql.types import UtcDateTime
from services.reminder.adapters.database import open_reminder_db
from tests.support.databases import KINDS, database_url, legacy_positions, table_names

old = MetaData()  # as services/reminder/adapters/tables.py declared it before
old_outbox = Table(
    "outbox",
    old,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instance", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)


@pytest.fixture(params=KINDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "reminder_upgrade") as url:
        yield url


async def test_an_older_database_keeps_its_position_and_staged_events(
    db_url: str, bus: Bus
) -> None:
    staged = [make_event(SessionCreated(name=f"n{i}"), tenant="t1", session="s1") for i in (1, 2)]
    await legacy_positions(db_url, "consumer_positions", {"reminder-main": 42})
    engine = open_engine(db_url)
    async with engine.begin() as conn:  # what the older version left behind
        await conn.run_sync(old.create_all)
        for env in staged:
            await conn.execute(
                insert(old_outbox).values(
                    instance="main",
                    event_id=env.id,
                    data=encode_event(env),
                    created_at=datetime.now(UTC),
                )
            )
    await engine.dispose()

    for _ in range(2):  # the second start finds nothing left to adopt
        engine = await open_reminder_db(db_url)
        assert await SqlTracking(engine).position("reminder-main") == 42
        await OutboxRelay(SqlOutbox(engine, "main"), bus.publisher).flush()
        await engine.dispose()

    assert "consumer_positions" not in await table_names(db_url)
    info = await bus.js.stream_info(EVENTS_STREAM)
    assert info.state.messages == len(staged)
    for sequence, env in enumerate(staged, start=1):
        stored = await bus.js.get_msg(EVENTS_STREAM, sequence)
        assert stored.data == encode_event(env)
        assert stored.headers is not None and stored.headers["Nats-Msg-Id"] == env.id
