"""Reacts to the event log: the connectivity gate (session.*) and send outcomes (message.*).

Each batch is one transaction with the consumer's position, so a crash neither loses nor
doubles; every write is also guarded (sequence or status), so two instances agree."""

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import (
    MessageSendFailed,
    MessageSent,
    MessageStatus,
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
)
from runtime.consumer import Delivered
from runtime.logging import get_logger
from services.reminder.adapters.gate_db import GateDb
from services.reminder.adapters.outbox import Outbox
from services.reminder.service_layer.lifecycle import Lifecycle, due_of

__all__ = ["LogReactor"]

log = get_logger(__name__)
LAZY_POSITION = 1000


class LogReactor:
    """The reminder service's durable consumer handler."""

    def __init__(
        self,
        name: str,
        gate: GateDb,
        lifecycle: Lifecycle,
        outbox: Outbox,
        wake: Callable[[datetime | None], None],
    ) -> None:
        self.name = name
        self.gate = gate
        self.lifecycle = lifecycle
        self.outbox = outbox
        self.wake = wake
        self.applied = 0
        self.saved = 0

    async def position(self) -> int:
        self.applied = self.saved = await self.gate.position(self.name)
        return self.applied

    async def apply(self, batch: Sequence[Delivered]) -> None:
        last = batch[-1].sequence
        # reminder.* events only wake the timer; replaying them changes nothing, so their
        # position need not be written every time
        only_reminders = all(item.event.type.startswith("reminder.") for item in batch)
        if only_reminders and last - self.saved < LAZY_POSITION:
            self.applied = last
            dues = [due for item in batch if (due := due_of(item.event)) is not None]
            self.wake(min(dues) if dues else None)
            return
        wake = False
        async with self.gate.engine.begin() as conn:
            for item in batch:
                wake = await self._apply_one(conn, item.sequence, item.event) or wake
            await self.gate.set_position(conn, self.name, last)
        self.applied = self.saved = last
        await self.lifecycle.publish()
        if wake:
            self.wake(None)

    async def _apply_one(self, conn: AsyncConnection, seq: int, env: Envelope) -> bool:
        """Apply one event; True when the timer should look at the schedule again."""
        tenant, session, db = env.tenant, env.session, self.lifecycle.db
        match env.payload:
            case SessionCreated():
                await self.gate.record(conn, tenant=tenant, session=session, sequence=seq)
            case SessionConnected():
                if await self.gate.record(
                    conn, tenant=tenant, session=session, sequence=seq, connected=True
                ):
                    log.info("reminder.gate_open", tenant=env.tenant, session=env.session)
                return True
            case SessionDisconnected() | SessionLoggedOut():
                if await self.gate.record(conn, tenant=tenant, session=session, sequence=seq):
                    log.info("reminder.gate_closed", tenant=env.tenant, session=env.session,
                             type=env.type)  # fmt: skip
            case SessionDeleted():
                if await self.gate.record(
                    conn, tenant=tenant, session=session, sequence=seq, deleted=True
                ):
                    for pending in await db.pending_of_session(conn, env.session):
                        await self.lifecycle.fail(pending, "session_deleted", conn=conn)
            case MessageSent(message_id=mid) | MessageStatus(message_id=mid):
                sent = await db.by_message(conn, env.tenant, mid)
                if sent is not None and sent.session == env.session:
                    await self.lifecycle.sent(sent, conn=conn)
            case MessageSendFailed() as failed:
                row = await db.by_message(conn, env.tenant, failed.message_id)
                if row is None or row.session != session:
                    return False
                if failed.will_retry:  # the session service retries: wait for its outcome
                    return await self.lifecycle.await_retry(row, failed.next_attempt_at, conn)
                # its retries are spent; the same message id again would be a no-op
                await self.lifecycle.fail(
                    row, "send_failed", detail=failed.error, from_status=["dispatched", "retrying"],
                    conn=conn,
                )  # fmt: skip
            case _:
                return True  # reminder.* from another instance: only a reason to look again
        return False
