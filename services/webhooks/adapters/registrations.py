"""Webhook registrations in SQL; every read and write is scoped by tenant."""

import hashlib
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from runtime.sql.unit_of_work import SqlTransaction
from services.webhooks.adapters.tables import attempts, deliveries, webhooks
from services.webhooks.domain.model import Webhook

__all__ = ["SqlRegistrations", "webhook_from_row"]

_TENANT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _lock_key(tenant: str) -> int:
    """A signed 64-bit advisory lock key for the tenant's registrations."""
    digest = hashlib.sha256(b"wa_webhooks:" + tenant.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def webhook_from_row(row: RowMapping) -> Webhook:
    return Webhook(**{name: row[name] for name in Webhook.__dataclass_fields__})


class SqlRegistrations:
    """The registrations repository (``service_layer.ports.Registrations``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def of_tenants(self, tx: SqlTransaction, tenants: Collection[str]) -> list[Webhook]:
        stmt = select(webhooks).where(webhooks.c.tenant.in_(sorted(tenants)))
        return [webhook_from_row(row) for row in (await tx.connection.execute(stmt)).mappings()]

    async def add(self, webhook: Webhook, *, limit: int = 0) -> bool:
        """Add the webhook unless its tenant would then have more than ``limit`` (0: any
        number); False if not. The row is written, then counted, in one transaction: the
        write lock (SQLite) or an advisory lock on the tenant (PostgreSQL) serializes
        concurrent additions, across replicas too."""
        async with self._engine.connect() as conn, conn.begin() as tx:
            if conn.dialect.name == "postgresql":
                await conn.execute(_TENANT_LOCK, {"key": _lock_key(webhook.tenant)})
            await conn.execute(webhooks.insert().values(**webhook.__dict__))
            if limit > 0:
                count = select(func.count()).where(webhooks.c.tenant == webhook.tenant)
                if (await conn.scalar(count) or 0) > limit:
                    await tx.rollback()
                    return False
        return True

    async def get(self, tenant: str, webhook_id: str) -> Webhook | None:
        stmt = select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.tenant == tenant)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return None if row is None else webhook_from_row(row)

    async def page(self, tenant: str, *, after: str | None, limit: int) -> list[Webhook]:
        """Up to ``limit`` of the tenant's webhooks by id, those after ``after`` if given."""
        stmt = select(webhooks).where(webhooks.c.tenant == tenant)
        if after is not None:
            stmt = stmt.where(webhooks.c.id > after)
        stmt = stmt.order_by(webhooks.c.id).limit(limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [webhook_from_row(row) for row in rows]

    async def update(self, tenant: str, webhook_id: str, changes: dict[str, Any]) -> bool:
        stmt = (
            update(webhooks)
            .where(webhooks.c.id == webhook_id, webhooks.c.tenant == tenant)
            .values(**changes)
        )
        async with self._engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def delete(self, tenant: str, webhook_id: str) -> bool:
        """The webhook, its queued deliveries and its log go together."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.tenant == tenant)
            )
            if result.rowcount != 1:
                return False
            await conn.execute(delete(deliveries).where(deliveries.c.webhook_id == webhook_id))
            await conn.execute(delete(attempts).where(attempts.c.webhook_id == webhook_id))
        return True
