"""The store's tables. Disposable: they can always be rebuilt from the event log."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
)

metadata = MetaData()

positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("status", String(32), nullable=False),
    Column("phone_number", String(32)),
    Column("jid", String(128)),
    Column("push_name", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_connected_at", DateTime(timezone=True)),
    Column("last_disconnected_at", DateTime(timezone=True)),
    Column("last_disconnect_reason", String(64)),
    Index("ix_sessions_tenant", "tenant", "id"),
)
