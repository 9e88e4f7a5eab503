"""Every change of a reminder's state, each with its event in the same transaction."""

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope, make_event
from contracts.events import (
    Event,
    ReminderDeferred,
    ReminderDispatched,
    ReminderFailed,
    ReminderRescheduled,
    ReminderScheduled,
    ReminderSent,
)
from runtime.logging import get_logger
from services.reminder.adapters.reminders_db import RemindersDb
from services.reminder.domain.model import PENDING, ReminderRow
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.service_layer.clock import Clock
from services.reminder.service_layer.metrics import ReminderMetrics

__all__ = ["Lifecycle", "due_of", "reminder_event"]

log = get_logger(__name__)


def due_of(env: Envelope) -> datetime | None:
    """The due time an event puts on the schedule, if any."""
    match env.payload:
        case ReminderScheduled(due_at=due) | ReminderRescheduled(due_at=due):
            return due
    return None


def reminder_event(row: ReminderRow, payload: Event) -> Envelope:
    return make_event(payload, tenant=row.tenant, session=row.session, correlation_id=row.id)


class Lifecycle:
    """scheduled → (deferred once) → dispatched ⇄ retrying → sent | failed."""

    def __init__(
        self,
        db: RemindersDb,
        policy: ReminderPolicy,
        clock: Clock,
        metrics: ReminderMetrics,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.policy = policy
        self.clock = clock
        self.metrics = metrics
        self._rng = rng or random.Random()

    async def defer(self, row: ReminderRow, reason: str) -> bool:
        """Wait for the session; only the first deferral of a reminder is an event."""
        events = [] if row.was_deferred else [reminder_event(row, ReminderDeferred(
            reminder_id=row.id, reason=reason))]  # fmt: skip
        done = await self._change(
            None,
            row,
            ["scheduled", "retrying", "dispatched"],
            events,
            status="deferred",
            wake_at=None,
            was_deferred=True,
            last_reason=reason,
            updated_at=self.clock.now(),
        )
        if done and events:
            self.metrics.deferred.inc()
            log.info("reminder.deferred", tenant=row.tenant, session=row.session,
                     reminder_id=row.id, reason=reason)  # fmt: skip
        return done

    async def claim(self, row: ReminderRow) -> ReminderRow | None:
        """Take the reminder for one attempt, if it is still waiting and its session is up."""
        now = self.clock.now()
        attempt = row.attempts + 1
        event = reminder_event(
            row, ReminderDispatched(reminder_id=row.id, message_id=row.message_id, attempt=attempt)
        )
        values = {
            "status": "dispatched",
            "attempts": attempt,
            "dispatched_at": now,
            "wake_at": now + timedelta(seconds=self.policy.outcome_timeout_s),
            "updated_at": now,
        }
        # published by the next flush (the outcome's, the worker's or the timer's), in order
        if not await self.db.change(row, list(PENDING), [event], gate=True, due_by=now, **values):
            return None
        return replace(row, **values)  # type: ignore[arg-type]

    async def _change(
        self,
        conn: AsyncConnection | None,
        row: ReminderRow,
        from_status: Sequence[str],
        events: Sequence[Envelope] = (),
        **values: Any,
    ) -> bool:
        if conn is not None:  # the caller's transaction; it publishes after its commit
            return await self.db.transition(conn, row, from_status, events, **values)
        done = await self.db.change(row, from_status, events, **values)
        if done and events:
            await self.publish()
        return done

    async def publish(self) -> None:
        """Publish staged events now; on failure they stay staged for the next flush."""
        try:
            await self.db.outbox.flush()
        except Exception:
            log.warning("reminder.outbox_flush_failed", exc_info=True)

    async def sent(self, row: ReminderRow, conn: AsyncConnection | None = None) -> bool:
        event = reminder_event(row, ReminderSent(reminder_id=row.id, message_id=row.message_id))
        done = await self._change(
            conn, row, ["dispatched", "retrying", "deferred"], [event], status="sent",
            wake_at=None, updated_at=self.clock.now(),
        )  # fmt: skip
        if done:
            self.metrics.sent.inc()
            log.info("reminder.sent", tenant=row.tenant, session=row.session, reminder_id=row.id,
                     message_id=row.message_id, attempts=row.attempts)  # fmt: skip
        return done

    async def await_retry(
        self, row: ReminderRow, retry_at: datetime | None, conn: AsyncConnection | None = None
    ) -> bool:
        """The session service will try again: move the outcome deadline past its retry."""
        start = max(retry_at or self.clock.now(), self.clock.now())
        deadline = start + timedelta(seconds=self.policy.outcome_timeout_s)
        return await self._change(conn, row, ["dispatched"], wake_at=deadline)

    async def attempt_failed(
        self, row: ReminderRow, error: str, conn: AsyncConnection | None = None
    ) -> bool:
        """Retry later with exponential backoff, or give up after ``max_attempts``."""
        if row.attempts >= self.policy.max_attempts:
            return await self.fail(
                row, "send_failed", detail=error, from_status=["dispatched"], conn=conn
            )
        now = self.clock.now()
        delay = self.policy.backoff(row.attempts, self._rng)
        log.warning("reminder.attempt_failed", tenant=row.tenant, session=row.session,
                    reminder_id=row.id, attempt=row.attempts, error=error,
                    retry_in_s=round(delay.total_seconds(), 1))  # fmt: skip
        return await self._change(
            conn, row, ["dispatched"], status="retrying", wake_at=now + delay, last_reason=error,
            updated_at=now,
        )  # fmt: skip

    async def fail(
        self,
        row: ReminderRow,
        reason: str,
        *,
        detail: str | None = None,
        from_status: Sequence[str] = ("scheduled", "deferred", "retrying", "dispatched"),
        conn: AsyncConnection | None = None,
    ) -> bool:
        text = f"{reason}: {detail}" if detail else reason
        event = reminder_event(
            row, ReminderFailed(reminder_id=row.id, reason=text, attempts=row.attempts)
        )
        done = await self._change(
            conn, row, list(from_status), [event], status="failed", wake_at=None,
            last_reason=text, updated_at=self.clock.now(),
        )  # fmt: skip
        if done:
            self.metrics.failed.labels(reason=reason).inc()
            log.error("reminder.failed", tenant=row.tenant, session=row.session,
                      reminder_id=row.id, reason=text, attempts=row.attempts)  # fmt: skip
        return done
