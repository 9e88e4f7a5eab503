"""One session's paced dispatch: earliest due first, through the pacer, one at a time."""

import asyncio
import random
from datetime import timedelta

from contracts.commands import Accepted, Refused, SendText
from runtime.logging import get_logger
from runtime.rpc import BackendUnavailable
from services.reminder.adapters.leases import SessionLeases
from services.reminder.adapters.reminders_db import RemindersDb
from services.reminder.adapters.session_client import SessionClient
from services.reminder.domain.model import ReminderRow
from services.reminder.domain.pacer import Pacer
from services.reminder.service_layer.lifecycle import Lifecycle

__all__ = ["SessionWorker"]

log = get_logger(__name__)
NOT_CONNECTED = frozenset({"not_connected"})
SHORT_WAIT = timedelta(seconds=1)


class SessionWorker:
    """Runs while its session has reminders ready and this instance holds the lease."""

    def __init__(
        self,
        db: RemindersDb,
        lifecycle: Lifecycle,
        leases: SessionLeases,
        sender: SessionClient,
        stop: asyncio.Event,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.lifecycle = lifecycle
        self.leases = leases
        self.sender = sender
        self.stop = stop
        self.clock = lifecycle.clock
        self.policy = lifecycle.policy
        self._rng = rng or random.Random()

    async def run(self, tenant: str, session: str, key: str) -> None:
        try:
            since = self.clock.now() - timedelta(hours=1)
            history = await self.db.recent_dispatches(session, since)
            pacer = Pacer(self.policy.pacing, self._rng, history)
            while not self.stop.is_set() and self.leases.holds(key):
                now = self.clock.now()
                row = await self.db.next_ready(session, now)
                if row is None:
                    return
                if self.policy.is_stale(now, row.due_at, row.expires_at):
                    await self.lifecycle.fail(row, "stale")
                    continue
                slot = pacer.next_slot(now)
                if slot > now:
                    await self.clock.sleep_until(slot, self.stop)
                    if slot - now > SHORT_WAIT or self.stop.is_set():
                        continue  # a long wait: look again for what is most due now
                    if not self.leases.holds(key):
                        return
                claimed = await self.lifecycle.claim(row)  # re-checks status, due time, gate
                if claimed is not None:
                    pacer.record(claimed.dispatched_at or now)  # the time the database keeps
                    await self._send(claimed)
        finally:
            await self.lifecycle.publish()
            await self.leases.release(key)

    async def _send(self, row: ReminderRow) -> None:
        log.info("reminder.whatsapp_send", tenant=row.tenant, session=row.session,
                 reminder_id=row.id, message_id=row.message_id, attempt=row.attempts)  # fmt: skip
        self.lifecycle.metrics.whatsapp_sends.inc()
        command = SendText(
            tenant=row.tenant,
            session=row.session,
            to=row.to_jid,
            text=row.text,
            message_id=row.message_id,
            reminder_id=row.id,
            correlation_id=row.id,
        )
        try:
            reply = await self.sender.send_text(command)
        except BackendUnavailable as exc:
            await self.lifecycle.attempt_failed(row, f"session_service_unavailable: {exc}")
            return
        match reply:
            case Accepted():
                pass  # the outcome arrives as message.sent / message.send_failed in the log
            case Refused(code=code) if code in NOT_CONNECTED:
                await self.lifecycle.defer(row, "session_not_connected")
            case Refused(code="not_found"):
                await self.lifecycle.fail(row, "session_deleted", from_status=["dispatched"])
            case Refused(code=code, message=message):
                await self.lifecycle.fail(
                    row, "refused", detail=f"{code}: {message}", from_status=["dispatched"]
                )
