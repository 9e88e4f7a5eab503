"""One session's paced dispatch: earliest due first, through the pacer, one at a time."""

import asyncio
import random
from datetime import timedelta

from contracts.commands import SendText
from runtime.logging import get_logger
from runtime.messaging import BackendUnavailable
from services.reminder.domain.model import ReminderRow
from services.reminder.domain.outcomes import replied, unanswered
from services.reminder.domain.pacer import Pacer
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.domain.transitions import dispatch, stale
from services.reminder.service_layer.metrics import ReminderMetrics
from services.reminder.service_layer.ports import ScheduleReads, SessionLeases, SessionSender
from services.reminder.service_layer.recorder import Recorder

__all__ = ["SessionWorker"]

log = get_logger(__name__)
SHORT_WAIT = timedelta(seconds=1)


class SessionWorker:
    """Runs while its session has reminders ready and this instance holds the lease."""

    def __init__(
        self,
        recorder: Recorder,
        reads: ScheduleReads,
        policy: ReminderPolicy,
        leases: SessionLeases,
        sender: SessionSender,
        stop: asyncio.Event,
        rng: random.Random | None = None,
    ) -> None:
        self.recorder = recorder
        self.reads = reads
        self.policy = policy
        self.leases = leases
        self.sender = sender
        self.stop = stop
        self.clock = recorder.clock
        self.metrics: ReminderMetrics = recorder.metrics
        self._rng = rng or random.Random()

    async def run(self, tenant: str, session: str, key: str) -> None:
        try:
            since = self.clock.now() - timedelta(hours=1)
            history = await self.reads.recent_dispatches(session, since)
            pacer = Pacer(self.policy.pacing, self._rng, history)
            while not self.stop.is_set() and self.leases.holds(key):
                now = self.clock.now()
                row = await self.reads.next_ready(session, now)
                if row is None:
                    return
                if (too_late := stale(row, now, self.policy)) is not None:
                    await self.recorder.apply(too_late)
                    continue
                slot = pacer.next_slot(now)
                if slot > now:
                    await self.clock.sleep_until(slot, self.stop)
                    if slot - now > SHORT_WAIT or self.stop.is_set():
                        continue  # a long wait: look again for what is most due now
                    if not self.leases.holds(key):
                        return
                # written, not published yet: the next flush (the outcome's, the worker's or
                # the timer's) publishes it, in order, and the send does not wait for it
                claim = dispatch(row, self.clock.now(), self.policy)  # its guard re-checks all
                if claim is not None and await self.recorder.apply(claim, publish=False):
                    pacer.record(claim.after.dispatched_at or now)
                    await self._send(claim.after)
        finally:
            await self.recorder.publish()
            await self.leases.release(key)

    async def _send(self, row: ReminderRow) -> None:
        log.info("reminder.whatsapp_send", tenant=row.tenant, session=row.session,
                 reminder_id=row.id, message_id=row.message_id, attempt=row.attempts)  # fmt: skip
        self.metrics.whatsapp_sends.inc()
        command = SendText(tenant=row.tenant, session=row.session, to=row.to_jid, text=row.text,
                           message_id=row.message_id, reminder_id=row.id,
                           correlation_id=row.id)  # fmt: skip
        try:
            reply = await self.sender.send_text(command)
        except BackendUnavailable as exc:
            now = self.clock.now()
            await self.recorder.apply(unanswered(row, str(exc), now, self.policy, self._rng))
            return
        await self.recorder.apply(replied(row, reply, self.clock.now()))
