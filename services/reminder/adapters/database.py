"""The reminder database: SQLite (WAL, several processes may share the file) or PostgreSQL,
opened by the runtime kit; older versions' position and outbox tables are adopted on open."""

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    insert,
    inspect,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.codec import decode_event
from contracts.subjects import event_subject
from runtime.sql.engine import create_tables, open_engine
from runtime.sql.outbox import OUTBOX
from runtime.sql.tracking import adopt_positions
from runtime.sql.types import UtcDateTime
from services.reminder.adapters.tables import metadata

__all__ = ["adopt_staged_events", "open_reminder_db"]

POOL_SIZE = 10  # PostgreSQL: the dispatcher's workers and the log reactor at once


async def open_reminder_db(url: str) -> AsyncEngine:
    """Connect, create the missing tables and adopt what an older version left."""
    engine = open_engine(url, pool_size=POOL_SIZE)
    upgrades = [adopt_positions("consumer_positions"), adopt_staged_events]
    await create_tables(engine, metadata, then=upgrades)
    return engine


def adopt_staged_events(conn: Connection) -> None:
    """Versions before the runtime kit kept staged events in an ``outbox`` without their
    subject: move them into the kit's outbox (the bytes unchanged), to be published."""
    if "subject" in {column["name"] for column in inspect(conn).get_columns(OUTBOX.name)}:
        return
    old = Table(
        OUTBOX.name,
        MetaData(),
        Column("id", Integer),
        Column("instance", String),
        Column("event_id", String),
        Column("data", LargeBinary),
        Column("created_at", UtcDateTime),
    )
    rows = conn.execute(select(old).order_by(old.c.id)).all()
    old.drop(conn)
    OUTBOX.create(conn)
    for row in rows:
        env = decode_event(row.data)  # once, for the subject the old rows did not keep
        conn.execute(
            insert(OUTBOX).values(
                instance=row.instance,
                msg_id=row.event_id,
                subject=event_subject(env.tenant, env.session, env.type),
                data=row.data,
                staged_at=row.created_at,
            )
        )
