"""The event-log consumer: fans each event out to one queued delivery per matching webhook,
and records its position in the same transaction (the runtime kit's unit of work), so a
crash loses no delivery and a replay queues none twice."""

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.codec import encode_event
from contracts.ids import new_id
from runtime.consumer import Delivered
from runtime.sql.engine import insert_for
from runtime.sql.unit_of_work import SqlUnitOfWork
from services.webhooks.adapters.registrations import webhook_from_row
from services.webhooks.adapters.tables import deliveries, webhooks
from services.webhooks.domain.model import routes_to

__all__ = ["CONSUMER", "DeliveryFanOut"]

CONSUMER = "webhooks"


class DeliveryFanOut:
    """A runtime.consumer handler; ``on_queued`` wakes the dispatcher after a commit."""

    def __init__(
        self, engine: AsyncEngine, *, clock_ms: Callable[[], int], on_queued: Callable[[], None]
    ) -> None:
        self._uow = SqlUnitOfWork(engine)
        self._clock_ms = clock_ms
        self._on_queued = on_queued
        self._insert = insert_for(engine.dialect.name)

    async def position(self) -> int:
        return await self._uow.position(CONSUMER)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        tenants = sorted({item.event.tenant for item in batch})
        now = self._clock_ms()
        async with self._uow.begin() as tx:
            conn = tx.connection
            found = await conn.execute(select(webhooks).where(webhooks.c.tenant.in_(tenants)))
            hooks = [webhook_from_row(row) for row in found.mappings().all()]
            rows = [
                {
                    "id": new_id(),
                    "webhook_id": hook.id,
                    "tenant": env.tenant,
                    "session": env.session,
                    "event_id": env.id,
                    "event_type": env.type,
                    "sequence": item.sequence,
                    "body": encode_event(env),
                    "status": "pending",
                    "attempts": 0,
                    "round_start": 0,
                    "next_attempt_ms": now,
                    "created_ms": now,
                }
                for item in batch
                for env in (item.event,)
                for hook in hooks
                if routes_to(hook, tenant=env.tenant, session=env.session, event_type=env.type)
            ]
            if rows:
                stmt = self._insert(deliveries).values(rows)
                await conn.execute(
                    stmt.on_conflict_do_nothing(index_elements=["webhook_id", "event_id"])
                )
                tx.on_commit(self._on_queued)
            await tx.save_position(CONSUMER, batch[-1].sequence)
