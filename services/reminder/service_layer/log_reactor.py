"""Reacts to the event log: the connectivity gate (session.*) and send outcomes (message.*).

Each batch is one transaction with the consumer's position, so a crash neither loses nor
doubles; every write is also guarded (sequence or status), so two instances agree."""

from collections.abc import Callable, Sequence
from datetime import datetime

from contracts.envelope import Envelope
from contracts.events import (
    MessageSendFailed,
    MessageSent,
    MessageStatus,
    SessionConnected,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
)
from runtime.logging import get_logger
from services.reminder.domain.gate import GateState, gate_after
from services.reminder.domain.outcomes import Outcome, logged_outcome
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.domain.transitions import fail
from services.reminder.service_layer.ports import Delivery, ReminderTx
from services.reminder.service_layer.recorder import Recorder, due_of

__all__ = ["LogReactor"]

log = get_logger(__name__)
LAZY_POSITION = 1000
OUTCOME_READS = 3  # a write that does not hold: the row changed; the next read is current


class LogReactor:
    """The reminder service's durable consumer handler."""

    def __init__(
        self,
        name: str,
        recorder: Recorder,
        policy: ReminderPolicy,
        wake: Callable[[datetime | None], None],
    ) -> None:
        self.name = name
        self.recorder = recorder
        self.policy = policy
        self.wake = wake
        self.applied = 0
        self.saved = 0

    async def position(self) -> int:
        self.applied = self.saved = await self.recorder.uow.position(self.name)
        return self.applied

    async def apply(self, batch: Sequence[Delivery]) -> None:
        batch = [item for item in batch if item.sequence > self.applied]  # redelivered: done
        if not batch:
            return
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
        async with self.recorder.uow.begin() as tx:
            for item in batch:
                wake = await self._apply_one(tx, item.sequence, item.event) or wake
            await tx.save_position(self.name, last)
        self.applied = self.saved = last
        await self.recorder.publish()
        if wake:
            self.wake(None)

    async def _apply_one(self, tx: ReminderTx, seq: int, env: Envelope) -> bool:
        """Apply one event; True when the timer should look at the schedule again."""
        state = gate_after(env.payload, tenant=env.tenant, session=env.session, sequence=seq)
        if state is not None:
            return await self._gate(tx, state, env)
        match env.payload:
            case MessageSent() | MessageStatus() | MessageSendFailed() as outcome:
                return await self._outcome(tx, env, outcome)
        return True  # reminder.* from another instance, session.*: a reason to look again

    async def _outcome(self, tx: ReminderTx, env: Envelope, outcome: Outcome) -> bool:
        """A send's outcome, decided on the row as the write finds it. The row may change
        between the read and the write: an attempt nobody answered is dispatched again while
        its first command, answered late, was sent after all (seen after a NATS restart).
        The write does not hold then; the row is read again and the outcome decided again,
        or the reminder would wait for an outcome that already came."""
        for _ in range(OUTCOME_READS):
            row = await tx.by_message(env.tenant, outcome.message_id)
            if row is None or row.session != env.session:
                return False
            change = logged_outcome(row, outcome, self.recorder.clock.now(), self.policy)
            if change is None:
                return False
            if await self.recorder.write(tx, change) is not None:
                return isinstance(outcome, MessageSendFailed) and outcome.will_retry
        log.warning("reminder.outcome_not_recorded", tenant=env.tenant, session=env.session,
                    message_id=outcome.message_id, type=env.type)  # fmt: skip
        return False

    async def _gate(self, tx: ReminderTx, state: GateState, env: Envelope) -> bool:
        changed = await tx.record_gate(state)
        ids = {"tenant": env.tenant, "session": env.session}
        match env.payload:
            case SessionConnected():
                if changed:
                    log.info("reminder.gate_open", **ids)
                return True
            case SessionDisconnected() | SessionLoggedOut() if changed:
                log.info("reminder.gate_closed", **ids, type=env.type)
            case SessionDeleted() if changed:
                now = self.recorder.clock.now()
                for pending in await tx.pending_of_session(env.session):
                    await self.recorder.write(tx, fail(pending, "session_deleted", now))
        return False
