"""The timer: sleeps until the next due time (or a change), defers what falls due while its
session is down, and runs one paced worker per connected session whose lease it holds."""

import asyncio
import functools
import random
from datetime import datetime, timedelta

from runtime.logging import get_logger
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.domain.transitions import attempt_failed, defer, fail
from services.reminder.service_layer.ports import ScheduleReads, SessionLeases
from services.reminder.service_layer.recorder import Recorder
from services.reminder.service_layer.session_worker import SessionWorker

__all__ = ["Dispatcher"]

log = get_logger(__name__)
LONGEST_SLEEP = timedelta(hours=1)  # a safety net against clock jumps, not a poll


class Dispatcher:
    """One per instance. ``wake()`` re-arms the timer after any change of the schedule."""

    def __init__(
        self,
        recorder: Recorder,
        reads: ScheduleReads,
        policy: ReminderPolicy,
        leases: SessionLeases,
        lease_ttl_s: float,
        worker: SessionWorker,
        stop: asyncio.Event,
        rng: random.Random | None = None,
    ) -> None:
        self.recorder = recorder
        self.reads = reads
        self.policy = policy
        self.leases = leases
        self.lease_ttl_s = lease_ttl_s
        self.worker = worker
        self.stop = stop
        self.clock = recorder.clock
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._armed: datetime | None = None  # when the timer will look again by itself
        self.ready = asyncio.Event()  # set once the log has been caught up on start

    def wake(self, at: datetime | None = None) -> None:
        """Look at the schedule again now (or only if ``at`` is before the armed time)."""
        if at is not None and self._armed is not None and at >= self._armed:
            return
        self._wake.set()

    async def run(self) -> None:
        await self.ready.wait()
        renewer = asyncio.create_task(self._renew_leases())
        try:
            while not self.stop.is_set():
                self._wake.clear()
                self._armed = None
                now = self.clock.now()
                blocked = await self.tick(now)
                # from the same ``now``: anything that fell due during the tick is still seen
                self._armed = await self._next_look(now, blocked)
                await self.clock.wait_until(self._armed, self.stop, self._wake)
        finally:
            renewer.cancel()
            await asyncio.gather(renewer, *self._workers.values(), return_exceptions=True)

    async def tick(self, now: datetime) -> bool:
        """Returns True when some session has work but another instance holds its lease."""
        await self.recorder.publish()  # anything left staged by a failed publish
        for row in await self.reads.overdue_outcomes(now):
            await self.recorder.apply(attempt_failed(row, "no_outcome", now, self.policy,
                                                     self._rng))  # fmt: skip
        for row in await self.reads.due_while_down(now):
            state = await self.reads.gate(row.session)
            if state is not None and state.deleted:
                await self.recorder.apply(fail(row, "session_deleted", now))
            else:
                await self.recorder.apply(defer(row, "session_not_connected", now))
        blocked = False
        for tenant, session in await self.reads.sessions_with_ready_work(now):
            key = f"{tenant}.{session}"
            if key in self._workers:
                continue
            if not await self.leases.acquire(key):
                blocked = True
                continue
            task = asyncio.create_task(self.worker.run(tenant, session, key))
            self._workers[key] = task
            task.add_done_callback(functools.partial(self._worker_done, key))
        return blocked

    @property
    def workers(self) -> list[asyncio.Task[None]]:
        return list(self._workers.values())

    def _worker_done(self, key: str, _: "asyncio.Task[None]") -> None:
        task = self._workers.pop(key, None)
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.error("reminder.worker_crashed", key=key, error=repr(task.exception()))
        self.wake()  # work may have arrived while it was finishing

    async def _next_look(self, now: datetime, blocked: bool) -> datetime:
        horizon = now + LONGEST_SLEEP
        next_wake = await self.reads.next_wake(now)
        if next_wake is not None:
            horizon = min(horizon, next_wake)
        if blocked:  # the holder may die: look again once its lease could have expired
            horizon = min(horizon, now + timedelta(seconds=self.lease_ttl_s))
        return horizon

    async def _renew_leases(self) -> None:
        while not self.stop.is_set():
            await asyncio.sleep(self.lease_ttl_s / 3)
            try:
                await self.leases.renew_all()
            except Exception:  # NATS reconnecting: the next round tries again
                log.warning("reminder.lease_renew_failed", exc_info=True)
