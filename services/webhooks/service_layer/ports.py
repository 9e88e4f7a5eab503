"""The ports the webhooks service layer runs on, beside runtime's (the unit of work, the
event feed, the lease): the two repositories, the HTTP sender and the clock. adapters/ has
the SQL and HTTP implementations; the unit tests have in-memory ones.

A write that must commit with the consumer's position takes the unit of work's transaction
(``tx``); every other method is a transaction of its own."""

from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol, TypeVar

from contracts.webhooks import DeliveryStatus, DeliveryView
from services.webhooks.domain.model import AttemptOutcome, DueDelivery, QueuedDelivery, Webhook

__all__ = ["Clock", "Deliveries", "Registrations", "Sender"]

TxT_contra = TypeVar("TxT_contra", contravariant=True)
Clock = Callable[[], float]
"""Unix seconds, as ``time.time``."""


class Registrations(Protocol[TxT_contra]):
    """Webhook registrations; every read and write is scoped by tenant."""

    async def add(self, webhook: Webhook, *, limit: int = 0) -> bool:
        """Add it unless its tenant would then have more than ``limit`` (0: any number)."""
        ...

    async def get(self, tenant: str, webhook_id: str) -> Webhook | None: ...

    async def page(self, tenant: str, *, after: str | None, limit: int) -> list[Webhook]:
        """Up to ``limit`` of the tenant's webhooks by id, those after ``after`` if given."""
        ...

    async def update(self, tenant: str, webhook_id: str, changes: dict[str, Any]) -> bool: ...

    async def delete(self, tenant: str, webhook_id: str) -> bool:
        """The webhook, its queued deliveries and its log go together."""
        ...

    async def of_tenants(self, tx: TxT_contra, tenants: Collection[str]) -> list[Webhook]:
        """Every webhook of these tenants, read in ``tx``."""
        ...


class Deliveries(Protocol[TxT_contra]):
    """The delivery queue (lanes of one webhook and session, in stream order) and its log."""

    async def queue(self, tx: TxT_contra, deliveries: Sequence[QueuedDelivery]) -> None:
        """Add them when ``tx`` commits; one of an event already queued for its webhook is
        skipped (an event logged twice is delivered once)."""
        ...

    async def heads(self, limit: int = 1000) -> list[DueDelivery]:
        """The oldest pending delivery of each lane, due or not, soonest due first."""
        ...

    async def record(
        self,
        head: DueDelivery,
        outcome: AttemptOutcome,
        status: DeliveryStatus,
        next_attempt_ms: int,
    ) -> bool:
        """The attempt and the delivery's new state, together; False (nothing written) when
        the delivery changed meanwhile (deleted webhook, an overlapping leader)."""
        ...

    async def prune_delivered(self, before_ms: int) -> int:
        """Forget deliveries delivered before ``before_ms``; how many went."""
        ...

    async def counts(self) -> dict[str, int]:
        """Deliveries in the log by status, of every tenant (an operator's figure)."""
        ...

    async def requeue_dead(self, tenant: str, webhook_id: str, delivery_id: str, now: int) -> bool:
        """A dead-lettered delivery becomes pending again with a fresh retry budget."""
        ...

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
        ...


class Sender(Protocol):
    """The HTTP port: every failure is an outcome, never a raise."""

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout_s: float
    ) -> AttemptOutcome: ...
