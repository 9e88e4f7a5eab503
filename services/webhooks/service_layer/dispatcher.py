"""Delivers the queue: one lane per (webhook, session), each lane strictly in stream order,
lanes in parallel. A failed head waits out its backoff and holds its lane; once it is
dead-lettered the lane moves on to the session's next event.

``run`` loops; one turn of it is ``start_due`` (start every due lane head) and the attempts
it started end by ``settled`` — what a unit test drives with a fake clock."""

import asyncio
import functools
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from contracts.webhooks import DeliveryStatus
from runtime.logging import get_logger
from services.webhooks.domain.model import DueDelivery
from services.webhooks.domain.retry import RetryPolicy, succeeded
from services.webhooks.domain.signing import SIGNATURE_HEADER, signature
from services.webhooks.service_layer.ports import Clock, Deliveries, Sender

__all__ = ["IDLE_CHECK_S", "RECORD_FAILED_HOLD_S", "Dispatcher", "delivery_headers"]

log = get_logger(__name__)

IDLE_CHECK_S = 1.0
RECORD_FAILED_HOLD_S = 5.0


def delivery_headers(head: DueDelivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "wa-webhooks/1",
        SIGNATURE_HEADER: signature(head.secret, timestamp, body),
        "X-WA-Event-Id": head.event_id,
        "X-WA-Event-Type": head.event_type,
        "X-WA-Delivery-Id": head.id,
        "X-WA-Attempt": str(head.attempts + 1),
    }


class Dispatcher:
    """Runs lane heads as they fall due; ``wake()`` after new deliveries are queued."""

    def __init__(
        self,
        deliveries: Deliveries[Any],
        sender: Sender,
        policy: RetryPolicy,
        *,
        timeout_s: float,
        concurrency: int = 32,
        clock: Clock = time.time,
        rand: Callable[[], float] = random.random,
        body: Callable[[DueDelivery, float], bytes] = lambda head, _: head.body,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._deliveries = deliveries
        self._sender = sender
        self._policy = policy
        self._timeout_s = timeout_s
        self._concurrency = concurrency
        self._clock = clock
        self._rand = rand
        self._body = body  # what is sent: the queued body, or it with a fresh media link
        self._sleep = sleep
        self._woken = asyncio.Event()
        self._busy: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._finished = 0  # lanes finished so far; a lane's number tells when it finished
        self._finished_at: dict[tuple[str, str], int] = {}

    def wake(self) -> None:
        self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._woken.clear()
            try:
                wait_s = await self.start_due()
            except Exception:
                log.exception("webhooks.dispatch_failed")
                wait_s = IDLE_CHECK_S
            await self._pause(stop, wait_s)
        await self._finish_in_flight()

    async def _finish_in_flight(self) -> None:
        """Let attempts under way end and be recorded (a clean hand-over repeats nothing);
        whatever is still running after one timeout is cancelled and will be sent again."""
        running = list(self._busy.values())
        if running:
            await asyncio.wait(running, timeout=self._timeout_s + 1)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def _pause(self, stop: asyncio.Event, wait_s: float) -> None:
        waiters = [asyncio.create_task(self._woken.wait()), asyncio.create_task(stop.wait())]
        await asyncio.wait(waiters, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    async def settled(self) -> None:
        """Wait until the attempts under way have ended and been recorded."""
        while self._busy:
            await asyncio.gather(*self._busy.values(), return_exceptions=True)

    async def start_due(self) -> float:
        """Start every due head whose lane is idle; seconds until the next one falls due."""
        now_ms = int(self._clock() * 1000)
        next_due_ms: int | None = None
        asked_at = self._finished
        heads = await self._deliveries.heads()
        # a lane that finished while we asked may have shown its old head: skip it this time
        stale = {lane for lane, at in self._finished_at.items() if at > asked_at}
        self._finished_at = {lane: self._finished_at[lane] for lane in stale}
        for head in heads:
            if head.lane in self._busy or head.lane in stale:
                continue
            if head.next_attempt_ms > now_ms:
                due = head.next_attempt_ms
                next_due_ms = due if next_due_ms is None else min(next_due_ms, due)
                continue
            if len(self._busy) >= self._concurrency:
                continue  # a lane that finishes wakes us up
            task = asyncio.create_task(self._attempt(head))
            self._busy[head.lane] = task
            task.add_done_callback(functools.partial(self._lane_done, head.lane))
        if next_due_ms is None:
            return IDLE_CHECK_S
        return min(IDLE_CHECK_S, max(0.0, (next_due_ms - now_ms) / 1000))

    def _lane_done(self, lane: tuple[str, str], _: "asyncio.Task[None]") -> None:
        self._busy.pop(lane, None)
        self._finished += 1
        self._finished_at[lane] = self._finished
        self._woken.set()

    async def _attempt(self, head: DueDelivery) -> None:
        now = self._clock()
        body = self._body(head, now)
        headers = delivery_headers(head, body, int(now))
        outcome = await self._sender.post(head.url, body, headers, timeout_s=self._timeout_s)
        tried = head.attempts_this_round + 1
        next_ms = outcome.started_ms + outcome.duration_ms
        status: DeliveryStatus
        if succeeded(outcome.status_code):
            status = "delivered"
        elif self._policy.exhausted(tried):
            status = "dead"
        else:
            status = "pending"
            next_ms += int(self._policy.delay_after(tried, self._rand) * 1000)
        try:
            recorded = await self._deliveries.record(head, outcome, status, next_ms)
        except Exception:
            log.exception("webhooks.record_failed", tenant=head.tenant, session=head.session)
            await self._sleep(RECORD_FAILED_HOLD_S)  # hold the lane: do not hammer the receiver
            return
        if not recorded:
            log.info("webhooks.outcome_dropped", tenant=head.tenant, session=head.session)
            return
        log.info(
            f"webhooks.{status}" if status != "pending" else "webhooks.retry_scheduled",
            tenant=head.tenant,
            session=head.session,
            webhook=head.webhook_id,
            delivery=head.id,
            event_id=head.event_id,
            attempt=head.attempts + 1,
            status_code=outcome.status_code,
            error=outcome.error,
        )
