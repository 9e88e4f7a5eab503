"""The webhooks service's tables: registrations, the delivery queue and log, attempts; and
the runtime kit's tracking table."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from runtime.sql.tracking import add_tracking_table

__all__ = ["attempts", "deliveries", "metadata", "webhooks"]

metadata = MetaData()
add_tracking_table(metadata)  # the log consumer's position (older versions: webhook_positions)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("events", JSON, nullable=False),
    Column("session_id", String(64)),
    Column("secret", String(256), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_webhooks_tenant", "tenant", "id"),
)

deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("webhook_id", String(64), nullable=False),
    Column("tenant", String(64), nullable=False),
    Column("session", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("round_start", Integer, nullable=False, default=0),  # attempts when (re)queued
    Column("next_attempt_ms", BigInteger, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("delivered_ms", BigInteger),
    UniqueConstraint("webhook_id", "event_id", name="uq_delivery_event"),
    Index("ix_deliveries_lane", "status", "webhook_id", "session", "sequence"),
    Index("ix_deliveries_log", "webhook_id", "id"),
)

attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(64), nullable=False, index=True),
    Column("webhook_id", String(64), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("started_ms", BigInteger, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("status_code", Integer),
    Column("error", String(200)),
)
