"""Webhook registrations in SQL; every read and write is scoped by tenant."""

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from services.webhooks.adapters.tables import attempts, deliveries, webhooks
from services.webhooks.domain.model import Webhook


def webhook_from_row(row: RowMapping) -> Webhook:
    return Webhook(**{name: row[name] for name in Webhook.__dataclass_fields__})


class SqlRegistrations:
    """The registrations repository."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, webhook: Webhook) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(webhooks.insert().values(**webhook.__dict__))

    async def get(self, tenant: str, webhook_id: str) -> Webhook | None:
        stmt = select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.tenant == tenant)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        return None if row is None else webhook_from_row(row)

    async def of_tenant(self, tenant: str) -> list[Webhook]:
        stmt = select(webhooks).where(webhooks.c.tenant == tenant).order_by(webhooks.c.id)
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
