"""The tracking record on SQL: one table for every consumer of every service, ``save`` in the
caller's transaction, and the adoption of the tables older versions kept positions in."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    MetaData,
    Select,
    String,
    Table,
    inspect,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from runtime.sql.engine import Insert, insert_for, upsert

__all__ = [
    "TRACKING",
    "SqlTracking",
    "add_tracking_table",
    "adopt_positions",
    "position_query",
    "read_position",
    "save_statement",
]

TRACKING = Table(
    "tracking",
    MetaData(),
    Column("consumer", String(128), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


def add_tracking_table(metadata: MetaData) -> Table:
    """The tracking table as part of a service's tables (created and migrated with them)."""
    return TRACKING.to_metadata(metadata)


def position_query(consumer: Any, *, lock: bool = False, dialect: str = "") -> Select[tuple[int]]:
    """The recorded position; ``lock`` (PostgreSQL): held until the transaction ends."""
    stmt = select(TRACKING.c.position).where(TRACKING.c.consumer == consumer)
    return stmt.with_for_update() if lock and dialect == "postgresql" else stmt


async def read_position(conn: AsyncConnection, consumer: str, *, lock: bool = False) -> int:
    """The position as ``conn``'s transaction sees it (``lock``: see position_query)."""
    stmt = position_query(consumer, lock=lock, dialect=conn.dialect.name)
    return int(await conn.scalar(stmt) or 0)


def save_statement(dialect: str, consumer: Any, position: Any) -> Insert:
    """The upsert recording ``position`` (values, or bind parameters to compile once)."""
    return upsert(dialect, TRACKING, ["consumer"], {"consumer": consumer, "position": position})


class SqlTracking:
    """The port on SQLAlchemy; the caller's transaction is its ``AsyncConnection``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def position(self, consumer: str) -> int:
        async with self.engine.connect() as conn:
            return await self.position_in(conn, consumer)

    async def position_in(self, conn: AsyncConnection, consumer: str, *, lock: bool = False) -> int:
        return await read_position(conn, consumer, lock=lock)

    async def save(self, tx: AsyncConnection, consumer: str, sequence: int) -> None:
        await tx.execute(save_statement(tx.dialect.name, consumer, sequence))


def adopt_positions(old_table: str) -> Callable[[Connection], None]:
    """An upgrade step (``create_tables(then=...)``, or an Alembic migration): copy the
    positions an older version kept in ``old_table`` (columns ``name``, ``position``) into
    the tracking table, then drop it. Does nothing once done."""

    def adopt(conn: Connection) -> None:
        if not inspect(conn).has_table(old_table):
            return
        TRACKING.create(conn, checkfirst=True)
        old = Table(old_table, MetaData(), Column("name", String), Column("position", BigInteger))
        insert = insert_for(conn.dialect.name)
        for name, position in conn.execute(select(old.c.name, old.c.position)).all():
            stmt = insert(TRACKING).values(consumer=name, position=position)
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["consumer"]))
        old.drop(conn)

    return adopt
