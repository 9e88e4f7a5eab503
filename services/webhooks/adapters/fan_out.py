"""The event-log consumer: queues one delivery per matching webhook, and records its position
in the same transaction, so a crash loses no delivery and a replay queues none twice."""

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.codec import encode_event
from contracts.ids import new_id
from runtime.consumer import Delivered
from services.webhooks.adapters.registrations import webhook_from_row
from services.webhooks.adapters.tables import deliveries, positions, webhooks
from services.webhooks.domain.model import routes_to

CONSUMER = "webhooks"


class DeliveryOutbox:
    """A runtime.consumer handler; ``on_queued`` wakes the dispatcher after a commit."""

    def __init__(
        self, engine: AsyncEngine, *, clock_ms: Callable[[], int], on_queued: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._clock_ms = clock_ms
        self._on_queued = on_queued
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    async def position(self) -> int:
        async with self._engine.connect() as conn:
            value = await conn.scalar(
                select(positions.c.position).where(positions.c.name == CONSUMER)
            )
        return int(value or 0)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        tenants = sorted({item.event.tenant for item in batch})
        now = self._clock_ms()
        async with self._engine.begin() as conn:
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
            stmt = self._insert(positions).values(name=CONSUMER, position=batch[-1].sequence)
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[positions.c.name], set_={"position": stmt.excluded.position}
                )
            )
        if rows:
            self._on_queued()
