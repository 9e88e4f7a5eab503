"""The webhooks service's repositories in memory, for unit tests of its service layer: one
store as both (``MemoryWebhooks``), whose writes in a unit of work's transaction wait for
its commit, behaving as the SQL ones do."""

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from contracts.webhooks import DeliveryStatus, DeliveryView
from runtime.transaction import Deferring
from services.webhooks.adapters.delivery_views import attempt_view, delivery_view
from services.webhooks.domain.model import AttemptOutcome, DueDelivery, QueuedDelivery, Webhook

__all__ = ["MemoryWebhooks"]


@dataclass
class _Row:
    queued: QueuedDelivery
    status: DeliveryStatus = "pending"
    attempts: int = 0
    round_start: int = 0
    next_attempt_ms: int = 0
    delivered_ms: int | None = None
    tried: list[dict[str, Any]] = field(default_factory=list)


class MemoryWebhooks:
    """``Registrations`` and ``Deliveries`` on dicts, as the SQL repositories behave."""

    def __init__(self) -> None:
        self.hooks: dict[str, Webhook] = {}
        self.rows: dict[str, _Row] = {}

    async def add(self, webhook: Webhook, *, limit: int = 0) -> bool:
        if limit and len([h for h in self.hooks.values() if h.tenant == webhook.tenant]) >= limit:
            return False
        self.hooks[webhook.id] = webhook
        return True

    async def get(self, tenant: str, webhook_id: str) -> Webhook | None:
        hook = self.hooks.get(webhook_id)
        return hook if hook is not None and hook.tenant == tenant else None

    async def page(self, tenant: str, *, after: str | None, limit: int) -> list[Webhook]:
        mine = sorted((h for h in self.hooks.values() if h.tenant == tenant), key=lambda h: h.id)
        return [h for h in mine if after is None or h.id > after][:limit]

    async def update(self, tenant: str, webhook_id: str, changes: dict[str, Any]) -> bool:
        hook = await self.get(tenant, webhook_id)
        if hook is not None:
            self.hooks[webhook_id] = replace(hook, **changes)
        return hook is not None

    async def delete(self, tenant: str, webhook_id: str) -> bool:
        if await self.get(tenant, webhook_id) is None:
            return False
        del self.hooks[webhook_id]
        self.rows = {k: r for k, r in self.rows.items() if r.queued.webhook_id != webhook_id}
        return True

    async def of_tenants(self, tx: Deferring, tenants: Collection[str]) -> list[Webhook]:
        return [h for h in self.hooks.values() if h.tenant in tenants]

    async def queue(self, tx: Deferring, deliveries: Sequence[QueuedDelivery]) -> None:
        def commit() -> None:
            known = {(r.queued.webhook_id, r.queued.event_id) for r in self.rows.values()}
            for item in deliveries:
                if (item.webhook_id, item.event_id) not in known:
                    known.add((item.webhook_id, item.event_id))
                    self.rows[item.id] = _Row(item, next_attempt_ms=item.created_ms)

        tx.defer(commit)

    async def heads(self, limit: int = 1000) -> list[DueDelivery]:
        first: dict[tuple[str, str], _Row] = {}
        for row in self.rows.values():
            lane = (row.queued.webhook_id, row.queued.session)
            if row.status == "pending" and (
                lane not in first or row.queued.sequence < first[lane].queued.sequence
            ):
                first[lane] = row
        heads = [self._due(row) for row in first.values() if row.queued.webhook_id in self.hooks]
        return sorted(heads, key=lambda head: head.next_attempt_ms)[:limit]

    def _due(self, row: _Row) -> DueDelivery:
        q, hook = row.queued, self.hooks[row.queued.webhook_id]
        return DueDelivery(
            **q.__dict__, attempts=row.attempts, round_start=row.round_start,
            next_attempt_ms=row.next_attempt_ms, url=hook.url, secret=hook.secret,
        )  # fmt: skip

    async def record(
        self,
        head: DueDelivery,
        outcome: AttemptOutcome,
        status: DeliveryStatus,
        next_attempt_ms: int,
    ) -> bool:
        row = self.rows.get(head.id)
        if row is None or row.status != "pending" or row.attempts != head.attempts:
            return False
        row.attempts += 1
        row.status, row.next_attempt_ms = status, next_attempt_ms
        ended = outcome.started_ms + outcome.duration_ms
        row.delivered_ms = ended if status == "delivered" else None
        row.tried.append({"number": row.attempts, **outcome.__dict__})
        return True

    async def prune_delivered(self, before_ms: int) -> int:
        gone = [k for k, r in self.rows.items() if r.status == "delivered" and
                (r.delivered_ms or 0) < before_ms]  # fmt: skip
        for key in gone:
            del self.rows[key]
        return len(gone)

    async def counts(self) -> dict[str, int]:
        return dict(Counter(row.status for row in self.rows.values()))

    async def requeue_dead(self, tenant: str, webhook_id: str, delivery_id: str, now: int) -> bool:
        row = self.rows.get(delivery_id)
        if row is None or row.status != "dead" or row.queued.webhook_id != webhook_id:
            return False
        if row.queued.tenant != tenant:
            return False
        row.status, row.round_start, row.next_attempt_ms = "pending", row.attempts, now
        return True

    async def log(
        self,
        tenant: str,
        webhook_id: str,
        *,
        status: DeliveryStatus | None = None,
        delivery_id: str | None = None,
        limit: int = 100,
    ) -> list[DeliveryView]:
        rows = [
            r for r in self.rows.values()
            if (r.queued.tenant, r.queued.webhook_id) == (tenant, webhook_id)
            and status in (None, r.status) and delivery_id in (None, r.queued.id)
        ]  # fmt: skip
        rows.sort(key=lambda r: (r.queued.sequence, r.queued.id), reverse=True)
        return [_view(row) for row in rows[:limit]]


def _view(row: _Row) -> DeliveryView:
    fields = {**row.queued.__dict__, **row.__dict__}
    tried = [attempt_view(cast(Any, attempt)) for attempt in row.tried]
    return delivery_view(cast(Any, fields), tried)
