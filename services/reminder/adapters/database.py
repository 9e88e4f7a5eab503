"""The reminder database (runtime.sql.engine: SQLite with WAL, or PostgreSQL): its tables,
and the upgrade of the layout versions before the runtime kit kept."""

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
from runtime.sql.engine import create_tables
from runtime.sql.engine import open_engine as open_sql_engine
from runtime.sql.tracking import adopt_positions
from runtime.sql.types import UtcDateTime
from services.reminder.adapters.tables import metadata, outbox

__all__ = ["LEGACY_POSITIONS", "adopt_legacy_outbox", "open_engine"]

LEGACY_POSITIONS = "consumer_positions"


async def open_engine(url: str) -> AsyncEngine:
    """Connect, create the missing tables and upgrade an older layout."""
    engine = open_sql_engine(url, pool_size=10)
    steps = [adopt_positions(LEGACY_POSITIONS), adopt_legacy_outbox]
    await create_tables(engine, metadata, then=steps)
    return engine


def adopt_legacy_outbox(conn: Connection) -> None:
    """An older version's outbox (``event_id``, ``data``, no subject) becomes the kit's: its
    staged events are kept, bytes as they are, the subject read from each once."""
    columns = {c["name"] for c in inspect(conn).get_columns(outbox.name)}
    if "event_id" not in columns:
        return
    old = Table(outbox.name, MetaData(), Column("id", Integer), Column("instance", String),
                Column("event_id", String), Column("data", LargeBinary),
                Column("created_at", UtcDateTime))  # fmt: skip
    rows = conn.execute(select(old).order_by(old.c.id)).all()
    old.drop(conn)
    outbox.create(conn)
    for row in rows:
        env = decode_event(row.data)
        subject = event_subject(env.tenant, env.session, env.type)
        conn.execute(insert(outbox).values(instance=row.instance, msg_id=row.event_id,
                                           subject=subject, data=row.data,
                                           staged_at=row.created_at))  # fmt: skip
