"""Writes decided changes with their events in one transaction, and says what happened."""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from contracts.envelope import Envelope, make_event
from contracts.events import (
    Event,
    ReminderDeferred,
    ReminderFailed,
    ReminderRescheduled,
    ReminderScheduled,
    ReminderSent,
)
from runtime.logging import get_logger
from runtime.outbox import OutboxMessage
from services.reminder.domain.change import Change
from services.reminder.service_layer.clock import Clock
from services.reminder.service_layer.metrics import ReminderMetrics
from services.reminder.service_layer.ports import Relay, ReminderTx, UnitOfWork

__all__ = ["Recorder", "Staged", "due_of"]

log = get_logger(__name__)


class Staged(NamedTuple):
    """An event staged in the outbox: as built, and as it will be published."""

    envelope: Envelope
    message: OutboxMessage


def due_of(env: Envelope) -> datetime | None:
    """The due time an event puts on the schedule, if any."""
    match env.payload:
        case ReminderScheduled(due_at=due) | ReminderRescheduled(due_at=due):
            return due
    return None


class Recorder:
    """``write`` in the caller's transaction; ``apply`` in one of its own, then published."""

    def __init__(
        self, uow: UnitOfWork, relay: Relay, clock: Clock, metrics: ReminderMetrics
    ) -> None:
        self.uow = uow
        self.relay = relay
        self.clock = clock
        self.metrics = metrics

    def envelope(self, change: Change, event: Event, correlation_id: str | None = None) -> Envelope:
        row = change.after
        return make_event(event, tenant=row.tenant, session=row.session,
                          occurred_at=self.clock.now(),
                          correlation_id=correlation_id or row.id)  # fmt: skip

    async def write(
        self, tx: ReminderTx, change: Change | None, correlation_id: str | None = None
    ) -> list[Staged] | None:
        """The events staged, or None when the change does not hold (any more)."""
        if change is None or not await tx.write(change):
            return None
        envelopes = [self.envelope(change, event, correlation_id) for event in change.events]
        staged = await self.stage(tx, envelopes)
        self._observe(change)
        return staged

    async def stage(self, tx: ReminderTx, envelopes: Iterable[Envelope]) -> list[Staged]:
        return [Staged(env, await tx.stage(env)) for env in envelopes]

    async def apply(self, change: Change | None, *, publish: bool = True) -> bool:
        """``change`` in its own transaction; its events published at once unless told."""
        if change is None:
            return False
        async with self.uow.begin() as tx:
            staged = await self.write(tx, change)
        if staged and publish:
            await self.publish()
        return staged is not None

    async def publish(self) -> None:
        """Publish staged events now; on failure they stay staged for the next flush."""
        try:
            await self.relay.flush()
        except Exception:
            log.warning("reminder.outbox_flush_failed", exc_info=True)

    def _observe(self, change: Change) -> None:
        row = change.after
        ids = {"tenant": row.tenant, "session": row.session, "reminder_id": row.id}
        for event in change.events:
            match event:
                case ReminderSent():
                    self.metrics.sent.inc()
                    log.info("reminder.sent", **ids, message_id=row.message_id,
                             attempts=row.attempts)  # fmt: skip
                case ReminderFailed(reason=reason):
                    self.metrics.failed.labels(reason=reason.partition(":")[0]).inc()
                    log.error("reminder.failed", **ids, reason=reason, attempts=row.attempts)
                case ReminderDeferred(reason=reason):
                    self.metrics.deferred.inc()
                    log.info("reminder.deferred", **ids, reason=reason)
        if (
            change.before is not None
            and change.before.status == "dispatched"
            and (row.status == "retrying")
        ):
            retry_in = (row.wake_at - self.clock.now()).total_seconds() if row.wake_at else 0.0
            log.warning("reminder.attempt_failed", **ids, attempt=row.attempts,
                        error=row.last_reason, retry_in_s=round(retry_in, 1))  # fmt: skip
