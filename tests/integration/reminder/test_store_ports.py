"""One suite for the reminder's store ports, run on memory, SQLite and PostgreSQL alike: the
in-memory store the unit tests drive the service layer with behaves as the SQL one does."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.reminder.domain import transitions as t
from services.reminder.domain.gate import GateState
from services.reminder.domain.model import ReminderRow, new_reminder
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.service_layer.ports import ScheduleReads, UnitOfWork
from tests.integration.reminder.store_backends import BACKENDS, store

NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
S = timedelta(seconds=1)
POLICY = ReminderPolicy()
Store = tuple[UnitOfWork, ScheduleReads]


@pytest.fixture(params=BACKENDS)
async def ports(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with store(request.param, tmp_path) as found:
        yield found


def reminder(rid: str, due: datetime = NOW, session: str = "s1") -> ReminderRow:
    return new_reminder(id=rid, message_id=f"3EB0{rid.upper()}", tenant="t1", session=session,
                        to_jid="2010@s.whatsapp.net", text="hi", due_at=due,
                        created_at=NOW - 60 * S)  # fmt: skip


async def gate(work: UnitOfWork, session: str, connected: bool, sequence: int) -> bool:
    async with work.begin() as tx:
        state = GateState(tenant="t1", session=session, connected=connected, sequence=sequence)
        return await tx.record_gate(state)


async def test_writes_are_compare_and_set_on_status_attempts_due_and_gate(ports: Store) -> None:
    work, reads = ports
    async with work.begin() as tx:
        assert await tx.write(t.schedule(reminder("a")))
    row = await reads.reminder("t1", "a")
    assert row == reminder("a") and await reads.reminder("t2", "a") is None
    claim = t.dispatch(row, NOW, POLICY)
    assert claim is not None
    async with work.begin() as tx:
        assert not await tx.write(claim)  # its session is not connected (no gate yet)
    await gate(work, "s1", True, 1)
    async with work.begin() as tx:
        later = t.reschedule(row, NOW + 60 * S, "new", NOW + 120 * S, NOW)
        assert later is not None and await tx.write(later)
    async with work.begin() as tx:
        assert not await tx.write(claim)  # no longer due: it moved later
    now_row = await reads.reminder("t1", "a")
    assert now_row is not None and now_row.due_at == NOW + 60 * S and now_row.text == "new"
    sent = t.sent(replace(now_row, status="dispatched"), NOW)
    async with work.begin() as tx:
        assert sent is not None and not await tx.write(sent)  # it is not dispatched


async def test_the_gate_never_goes_back_and_a_rollback_keeps_nothing(ports: Store) -> None:
    work, reads = ports
    assert await gate(work, "s1", True, 5)
    assert not await gate(work, "s1", False, 4)  # an older event, from a slower replay
    state = await reads.gate("s1")
    assert state is not None and state.connected and state.sequence == 5
    with pytest.raises(RuntimeError):
        async with work.begin() as tx:
            await tx.write(t.schedule(reminder("a")))
            await tx.save_position("reminder-main", 9)
            raise RuntimeError("crash before the commit")
    assert await reads.reminder("t1", "a") is None and await work.position("reminder-main") == 0


async def test_the_reads_see_what_is_ready_down_overdue_and_next(ports: Store) -> None:
    work, reads = ports
    await gate(work, "up", True, 1)
    await gate(work, "down", False, 2)
    rows = [reminder("b", NOW - S, "up"), reminder("a", NOW - 2 * S, "up"),
            reminder("c", NOW + 30 * S, "up"), reminder("d", NOW - S, "down")]  # fmt: skip
    async with work.begin() as tx:
        for row in rows:
            assert await tx.write(t.schedule(row))
        stuck = reminder("e", NOW - 500 * S, "up")
        late = t.dispatch(stuck, NOW - 400 * S, POLICY)  # its outcome never came
        assert late is not None and await tx.write(t.schedule(stuck))
        assert await tx.write(late)
    ready = await reads.next_ready("up", NOW)
    assert ready is not None and ready.id == "a"  # the earliest due first
    assert await reads.sessions_with_ready_work(NOW) == [("t1", "up")]
    assert [r.id for r in await reads.due_while_down(NOW)] == ["d"]
    assert [r.id for r in await reads.overdue_outcomes(NOW)] == ["e"]
    assert await reads.next_wake(NOW) == NOW + 30 * S
    assert await reads.recent_dispatches("up", NOW - 3600 * S) == [NOW - 400 * S]
