"""A send's outcome logged while its reminder is being dispatched again: the outcome holds.

Seen after a NATS restart: an attempt nobody answered is retried; its first command, answered
late, was sent after all, and the log reactor read the reminder just before the retry was
dispatched and wrote just after. The reactor's write did not hold, and the reminder waited for
an outcome that had already come. On SQLite and PostgreSQL (the in-memory unit of work runs
one transaction at a time: no such interleaving)."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any, cast

import pytest

from contracts.envelope import make_event
from contracts.events import MessageSent
from runtime.messaging import Delivered
from services.reminder.domain import transitions as t
from services.reminder.domain.change import Change
from services.reminder.domain.gate import GateState
from services.reminder.domain.model import ReminderRow, new_reminder
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.service_layer.clock import Clock
from services.reminder.service_layer.log_reactor import LogReactor
from services.reminder.service_layer.metrics import ReminderMetrics
from services.reminder.service_layer.ports import Relay, ReminderTx, UnitOfWork
from services.reminder.service_layer.recorder import Recorder
from tests.integration.reminder.store_backends import store

NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
POLICY = ReminderPolicy()


class StillClock(Clock):
    def now(self) -> datetime:
        return NOW


class NoRelay:
    """Publishes nothing: the test reads the rows."""

    async def flush(self) -> int:
        return 0


class RacingTx:
    """A transaction whose first reminder read is followed, before anything else, by
    ``race`` committing in a transaction of its own."""

    def __init__(self, tx: ReminderTx, race: Callable[[], Awaitable[None]]) -> None:
        self._tx, self._race = tx, race

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)

    async def by_message(self, tenant: str, message_id: str) -> ReminderRow | None:
        row = await self._tx.by_message(tenant, message_id)
        race, self._race = self._race, None  # type: ignore[assignment]
        if race is not None:
            await race()
        return row


class RacingWork:
    def __init__(self, work: UnitOfWork, race: Callable[[], Awaitable[None]]) -> None:
        self._work, self._race = work, race

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[ReminderTx]:
        async with self._work.begin() as tx:
            yield cast(ReminderTx, RacingTx(tx, self._race))

    async def position(self, consumer: str) -> int:
        return await self._work.position(consumer)


async def write(work: UnitOfWork, change: Change | None) -> ReminderRow:
    assert change is not None
    async with work.begin() as tx:
        assert await tx.write(change)
    return change.after


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_a_sent_message_holds_though_its_reminder_was_dispatched_again_meanwhile(
    kind: str, tmp_path: Path
) -> None:
    async with store(kind, tmp_path) as (work, _):
        async with work.begin() as tx:
            await tx.record_gate(GateState(tenant="t1", session="s1", connected=True, sequence=1))
        row = new_reminder(id="r1", message_id="3EB0R1", tenant="t1", session="s1",
                           to_jid="2010@s.whatsapp.net", text="hi", due_at=NOW,
                           created_at=NOW)  # fmt: skip
        row = await write(work, t.schedule(row))
        row = await write(work, t.dispatch(row, NOW, POLICY))
        unanswered = await write(work, t.attempt_failed(row, "no answer", NOW, POLICY, Random(1)))
        assert unanswered.status == "retrying"

        async def dispatch_again() -> None:
            await write(work, t.dispatch(unanswered, unanswered.wake_at or NOW, POLICY))

        recorder = Recorder(RacingWork(work, dispatch_again), cast(Relay, NoRelay()),
                            StillClock(), ReminderMetrics())  # fmt: skip
        reactor = LogReactor("reminder-main", recorder, POLICY, lambda _: None)
        sent = make_event(MessageSent(message_id="3EB0R1", chat_jid="2010@s.whatsapp.net"),
                          tenant="t1", session="s1")  # fmt: skip
        await reactor.apply([Delivered(2, sent)])
        async with work.begin() as tx:
            final = await tx.reminder("t1", "r1")
        assert final is not None and (final.status, final.attempts) == ("sent", 2)
