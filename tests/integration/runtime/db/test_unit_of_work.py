"""The unit of work port, against every implementation: the effect, the position and the
outbox's messages are committed together or not at all; hooks run after the outcome."""

from datetime import UTC, datetime

import pytest

from contracts.envelope import Envelope, make_event
from contracts.events import SessionCreated
from runtime.outbox import outbox_message
from tests.integration.runtime.db.backends import Backend, InMemory, Postgres, SqliteFile

FAR = datetime(2000, 1, 1, tzinfo=UTC)  # no other instance's message counts as orphaned


class Boom(Exception):
    pass


def event(session: str = "s1") -> Envelope:
    return make_event(SessionCreated(name="n"), tenant="t1", session=session)


class UnitOfWorkSuite:
    async def test_effect_position_and_outbox_commit_together(self, backend: Backend) -> None:
        env = event()
        async with backend.uow.begin() as tx:
            await backend.effect(tx, "x")
            await tx.save_position("c", 12)
            staged = await tx.stage(env)
        assert staged == outbox_message(env)
        assert await backend.effects() == {"x"}
        assert await backend.uow.position("c") == 12
        pending = await backend.outbox.pending(orphaned_before=FAR, limit=10)
        assert [p.message for p in pending] == [staged]

    async def test_they_roll_back_together(self, backend: Backend) -> None:
        with pytest.raises(Boom):
            async with backend.uow.begin() as tx:
                await backend.effect(tx, "x")
                await tx.save_position("c", 12)
                await tx.stage(event())
                raise Boom
        assert await backend.effects() == set()
        assert await backend.uow.position("c") == 0
        assert await backend.outbox.pending(orphaned_before=FAR, limit=10) == []

    async def test_commit_hooks_run_after_a_commit_only(self, backend: Backend) -> None:
        seen: list[str] = []
        async with backend.uow.begin() as tx:
            tx.on_commit(lambda: seen.append(f"committed {sorted(committed)}"))
            await backend.effect(tx, "x")
            committed: set[str] = set()
        committed.update(await backend.effects())
        assert seen == ["committed []"]  # ran before the test read the effects: after commit
        assert committed == {"x"}

    async def test_commit_hooks_do_not_run_after_a_rollback(self, backend: Backend) -> None:
        seen: list[str] = []
        with pytest.raises(Boom):
            async with backend.uow.begin() as tx:
                tx.on_commit(lambda: seen.append("committed"))
                raise Boom
        assert seen == []

    async def test_a_failing_hook_does_not_undo_the_commit(self, backend: Backend) -> None:
        async with backend.uow.begin() as tx:
            tx.on_commit(lambda: 1 / 0)
            await tx.save_position("c", 3)
        assert await backend.uow.position("c") == 3

    async def test_transactions_one_after_another_see_each_other(self, backend: Backend) -> None:
        for sequence in range(1, 4):
            async with backend.uow.begin() as tx:
                await backend.effect(tx, f"k{sequence}")
                await tx.save_position("c", sequence)
        assert await backend.effects() == {"k1", "k2", "k3"}
        assert await backend.uow.position("c") == 3


class TestUnitOfWorkInMemory(InMemory, UnitOfWorkSuite):
    pass


class TestUnitOfWorkOnSqlite(SqliteFile, UnitOfWorkSuite):
    pass


class TestUnitOfWorkOnPostgres(Postgres, UnitOfWorkSuite):
    pass
