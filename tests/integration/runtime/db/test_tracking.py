"""The tracking record port, against every implementation: a position is saved with the
caller's transaction, or not at all, and outlives the process."""

import pytest

from tests.integration.runtime.db.backends import Backend, InMemory, Postgres, SqliteFile


class Boom(Exception):
    pass


class TrackingSuite:
    async def test_a_consumer_that_saved_nothing_is_at_zero(self, backend: Backend) -> None:
        assert await backend.tracking.position("never") == 0

    async def test_each_consumer_has_its_own_position(self, backend: Backend) -> None:
        async with backend.uow.begin() as tx:
            await backend.tracking.save(backend.port_tx(tx), "a", 7)
            await backend.tracking.save(backend.port_tx(tx), "b", 3)
        assert await backend.tracking.position("a") == 7
        assert await backend.tracking.position("b") == 3

    async def test_a_later_save_replaces_the_position(self, backend: Backend) -> None:
        for sequence in (5, 9):
            async with backend.uow.begin() as tx:
                await backend.tracking.save(backend.port_tx(tx), "a", sequence)
        assert await backend.tracking.position("a") == 9

    async def test_nothing_is_seen_before_the_commit(self, backend: Backend) -> None:
        async with backend.uow.begin() as tx:
            await backend.tracking.save(backend.port_tx(tx), "a", 4)
            assert await backend.tracking.position("a") == 0
        assert await backend.tracking.position("a") == 4

    async def test_a_rolled_back_save_leaves_the_position(self, backend: Backend) -> None:
        async with backend.uow.begin() as tx:
            await backend.tracking.save(backend.port_tx(tx), "a", 2)
        with pytest.raises(Boom):
            async with backend.uow.begin() as tx:
                await backend.effect(tx, "x")
                await backend.tracking.save(backend.port_tx(tx), "a", 8)
                raise Boom
        assert await backend.tracking.position("a") == 2
        assert await backend.effects() == set()

    async def test_the_position_outlives_the_process(self, backend: Backend) -> None:
        async with backend.uow.begin() as tx:
            await backend.tracking.save(backend.port_tx(tx), "a", 11)
        again = await backend.reopen()
        assert await again.tracking.position("a") == 11


class TestTrackingInMemory(InMemory, TrackingSuite):
    pass


class TestTrackingOnSqlite(SqliteFile, TrackingSuite):
    pass


class TestTrackingOnPostgres(Postgres, TrackingSuite):
    pass
