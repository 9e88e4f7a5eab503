"""The delivery queue and log in SQL: lane heads for the dispatcher, attempts, redelivery."""

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.webhooks import AttemptView, DeliveryStatus, DeliveryView
from runtime.sql.engine import insert_for
from runtime.sql.unit_of_work import SqlTransaction
from services.webhooks.adapters.delivery_views import attempt_view, delivery_view
from services.webhooks.adapters.tables import attempts, deliveries, webhooks
from services.webhooks.domain.model import AttemptOutcome, DueDelivery, QueuedDelivery

__all__ = ["SqlDeliveries"]


class SqlDeliveries:
    """The deliveries repository (``service_layer.ports.Deliveries``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def queue(self, tx: SqlTransaction, queued: Sequence[QueuedDelivery]) -> None:
        rows = [
            {**item.__dict__, "status": "pending", "attempts": 0, "round_start": 0,
             "next_attempt_ms": item.created_ms}
            for item in queued
        ]  # fmt: skip
        if not rows:
            return
        # Many rows as one executemany, which SQLAlchemy pages: one multi-row VALUES would
        # carry 13 parameters a row, past PostgreSQL's 32,767 at a batch of 500 events by 6
        # webhooks, and the consumer would retry that batch forever.
        stmt = insert_for(tx.connection.dialect.name)(deliveries)
        await tx.connection.execute(
            stmt.on_conflict_do_nothing(index_elements=["webhook_id", "event_id"]), rows
        )

    async def heads(self, limit: int = 1000) -> list[DueDelivery]:
        """The oldest pending delivery of each lane (webhook, session), due or not."""
        pending = deliveries.c.status == "pending"
        first = (
            select(
                deliveries.c.webhook_id,
                deliveries.c.session,
                func.min(deliveries.c.sequence).label("sequence"),
            )
            .where(pending)
            .group_by(deliveries.c.webhook_id, deliveries.c.session)
            .subquery()
        )
        stmt = (
            select(deliveries, webhooks.c.url, webhooks.c.secret)
            .join(
                first,
                (deliveries.c.webhook_id == first.c.webhook_id)
                & (deliveries.c.session == first.c.session)
                & (deliveries.c.sequence == first.c.sequence),
            )
            .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
            .where(pending)
            .order_by(deliveries.c.next_attempt_ms)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [
            DueDelivery(**{name: row[name] for name in DueDelivery.__dataclass_fields__})
            for row in rows
        ]

    async def record(
        self,
        head: DueDelivery,
        outcome: AttemptOutcome,
        status: DeliveryStatus,
        next_attempt_ms: int,
    ) -> bool:
        """The attempt and the delivery's new state, together; False (nothing written) when the
        delivery changed meanwhile (deleted webhook, or recorded by an overlapping leader)."""
        async with self._engine.begin() as conn:
            changed = await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == head.id,
                    deliveries.c.status == "pending",
                    deliveries.c.attempts == head.attempts,
                )
                .values(
                    status=status,
                    attempts=deliveries.c.attempts + 1,
                    next_attempt_ms=next_attempt_ms,
                    delivered_ms=outcome.started_ms + outcome.duration_ms
                    if status == "delivered"
                    else None,
                )
            )
            if changed.rowcount != 1:
                return False
            await conn.execute(
                attempts.insert().values(
                    delivery_id=head.id,
                    webhook_id=head.webhook_id,
                    number=head.attempts + 1,
                    started_ms=outcome.started_ms,
                    duration_ms=outcome.duration_ms,
                    status_code=outcome.status_code,
                    error=(outcome.error or "")[:200] or None,
                )
            )
        return True

    async def prune_delivered(self, before_ms: int) -> int:
        """Forget deliveries delivered before ``before_ms`` and their attempts; dead letters and
        pending deliveries stay. Returns how many went."""
        old = select(deliveries.c.id).where(
            deliveries.c.status == "delivered", deliveries.c.delivered_ms < before_ms
        )
        async with self._engine.begin() as conn:
            ids = list((await conn.execute(old.limit(5000))).scalars())
            if ids:
                await conn.execute(delete(attempts).where(attempts.c.delivery_id.in_(ids)))
                await conn.execute(delete(deliveries).where(deliveries.c.id.in_(ids)))
        return len(ids)

    async def counts(self) -> dict[str, int]:
        """Deliveries in the log by status, of every tenant."""
        stmt = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        async with self._engine.connect() as conn:
            return {str(status): int(n) for status, n in (await conn.execute(stmt)).all()}

    async def requeue_dead(self, tenant: str, webhook_id: str, delivery_id: str, now: int) -> bool:
        """A dead-lettered delivery becomes pending again with a fresh retry budget."""
        stmt = (
            update(deliveries)
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.webhook_id == webhook_id,
                deliveries.c.tenant == tenant,
                deliveries.c.status == "dead",
            )
            .values(status="pending", round_start=deliveries.c.attempts, next_attempt_ms=now)
        )
        async with self._engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def log(
        self,
        tenant: str,
        webhook_id: str,
        *,
        status: DeliveryStatus | None = None,
        delivery_id: str | None = None,
        limit: int = 100,
    ) -> list[DeliveryView]:
        """Deliveries of one webhook, newest first, each with every attempt made."""
        stmt = select(deliveries).where(
            deliveries.c.webhook_id == webhook_id, deliveries.c.tenant == tenant
        )
        if status is not None:
            stmt = stmt.where(deliveries.c.status == status)
        if delivery_id is not None:
            stmt = stmt.where(deliveries.c.id == delivery_id)
        stmt = stmt.order_by(deliveries.c.sequence.desc(), deliveries.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
            ids = [row["id"] for row in rows]
            tried = (
                await conn.execute(
                    select(attempts)
                    .where(attempts.c.delivery_id.in_(ids))
                    .order_by(attempts.c.number)
                )
            ).mappings()
            by_delivery: dict[str, list[AttemptView]] = {}
            for attempt in tried:
                by_delivery.setdefault(attempt["delivery_id"], []).append(attempt_view(attempt))
        return [delivery_view(row, by_delivery.get(row["id"], [])) for row in rows]
