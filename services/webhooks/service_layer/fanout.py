"""The event-log consumer: one delivery per matching webhook of the event's tenant, queued in
the unit of work that records the consumer's position, so a crash loses no delivery and a
replay (or an event logged twice) queues none twice. The body is the event's bytes as
logged (``Delivered.encoded``), never encoded again."""

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from contracts.ids import new_id
from runtime.messaging import Delivered
from runtime.unit_of_work import Transaction, UnitOfWork
from services.webhooks.domain.model import QueuedDelivery, routes_to
from services.webhooks.service_layer.ports import Clock, Deliveries, Registrations

__all__ = ["CONSUMER", "Fanout"]

CONSUMER = "webhooks"
TxT = TypeVar("TxT", bound=Transaction)


class Fanout(Generic[TxT]):
    """An ``EventHandler``; ``on_queued`` runs after a commit that queued something (it
    wakes the dispatcher)."""

    def __init__(
        self,
        uow: UnitOfWork[TxT],
        registrations: Registrations[TxT],
        deliveries: Deliveries[TxT],
        *,
        clock: Clock,
        on_queued: Callable[[], None],
        ids: Callable[[], str] = new_id,
    ) -> None:
        self._uow = uow
        self._registrations = registrations
        self._deliveries = deliveries
        self._clock = clock
        self._on_queued = on_queued
        self._ids = ids

    async def position(self) -> int:
        return await self._uow.position(CONSUMER)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        tenants = {item.event.tenant for item in batch}
        now = int(self._clock() * 1000)
        async with self._uow.begin() as tx:
            hooks = await self._registrations.of_tenants(tx, tenants)
            queued = [
                QueuedDelivery(
                    id=self._ids(),
                    webhook_id=hook.id,
                    tenant=env.tenant,
                    session=env.session,
                    event_id=env.id,
                    event_type=env.type,
                    sequence=item.sequence,
                    body=item.encoded(),
                    created_ms=now,
                )
                for item in batch
                for env in (item.event,)
                for hook in hooks
                if routes_to(hook, tenant=env.tenant, session=env.session, event_type=env.type)
            ]
            if queued:
                await self._deliveries.queue(tx, queued)
                tx.on_commit(self._on_queued)
            await tx.save_position(CONSUMER, batch[-1].sequence)
