"""The outbox port and its relay, against every implementation: what a committed transaction
staged is published once, in order, as the bytes staged (never decoded), with its id for the
log's de-duplication; another instance's messages only once that instance looks dead."""

from dataclasses import dataclass, field

import pytest

from contracts.codec import encode_event
from contracts.envelope import Envelope, make_event
from contracts.events import SessionCreated
from contracts.subjects import event_subject
from runtime.outbox import outbox_message
from runtime.outbox_relay import ORPHAN_AFTER, OutboxRelay
from tests.integration.runtime.db.backends import Backend, InMemory, Postgres, SqliteFile


class Boom(Exception):
    pass


def event(session: str) -> Envelope:
    return make_event(SessionCreated(name="n"), tenant="t1", session=session)


@dataclass
class Log:
    """A log that de-duplicates by message id, as JetStream does."""

    published: list[tuple[str, bytes, str]] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)

    async def publish_encoded(self, subject: str, data: bytes, *, msg_id: str) -> int:
        if msg_id not in self.sequences:
            self.published.append((subject, data, msg_id))
            self.sequences[msg_id] = len(self.published)
        return self.sequences[msg_id]


async def stage(backend: Backend, *sessions: str) -> list[Envelope]:
    envelopes = [event(s) for s in sessions]
    async with backend.uow.begin() as tx:
        for env in envelopes:
            await tx.stage(env)
    return envelopes


class OutboxSuite:
    async def test_published_as_staged_in_order_then_gone(self, backend: Backend) -> None:
        log = Log()
        relay = OutboxRelay(backend.outbox, log, clock=backend.clock)
        envelopes = await stage(backend, "s1", "s2", "s3")
        assert await relay.flush() == 3
        assert log.published == [
            (event_subject("t1", e.session, e.type), encode_event(e), e.id) for e in envelopes
        ]
        assert await relay.flush() == 0

    async def test_a_rolled_back_stage_is_never_published(self, backend: Backend) -> None:
        log = Log()
        with pytest.raises(Boom):
            async with backend.uow.begin() as tx:
                await tx.stage(event("s1"))
                raise Boom
        assert await OutboxRelay(backend.outbox, log, clock=backend.clock).flush() == 0
        assert log.published == []

    async def test_more_than_a_batch_goes_out_in_order(self, backend: Backend) -> None:
        log = Log()
        envelopes = await stage(backend, *(f"s{i}" for i in range(5)))
        assert await OutboxRelay(backend.outbox, log, clock=backend.clock, batch=2).flush() == 5
        assert [msg_id for _, _, msg_id in log.published] == [e.id for e in envelopes]

    async def test_another_instances_messages_wait_until_orphaned(self, backend: Backend) -> None:
        log = Log()
        [mine] = await stage(backend, "mine")
        other = backend.outbox_of("b")
        theirs = event("theirs")
        async with backend.uow.begin() as tx:
            await other.stage(backend.port_tx(tx), outbox_message(theirs))
        relay = OutboxRelay(backend.outbox, log, clock=backend.clock)
        assert await relay.flush() == 1
        assert [msg_id for _, _, msg_id in log.published] == [mine.id]
        backend.clock.advance(ORPHAN_AFTER.total_seconds() + 1)
        assert await relay.flush() == 1
        assert log.published[-1][1] == encode_event(theirs)

    async def test_sequence_of_a_staged_message(self, backend: Backend) -> None:
        log = Log()
        await stage(backend, "s0")
        async with backend.uow.begin() as tx:
            message = await tx.stage(event("s1"))
        relay = OutboxRelay(backend.outbox, log, clock=backend.clock)
        assert await relay.sequence_of(message) == 2
        assert len(log.published) == 2

    async def test_sequence_of_a_message_another_relay_sent(self, backend: Backend) -> None:
        log = Log()
        async with backend.uow.begin() as tx:
            message = await tx.stage(event("s1"))
        await OutboxRelay(backend.outbox, log, clock=backend.clock).flush()
        later = OutboxRelay(backend.outbox, log, clock=backend.clock)  # knows no sequence
        assert await later.sequence_of(message) == 1
        assert len(log.published) == 1  # the repeat was de-duplicated

    async def test_staged_messages_outlive_the_process(self, backend: Backend) -> None:
        log = Log()
        [env] = await stage(backend, "s1")
        again = await backend.reopen()
        assert await OutboxRelay(again.outbox, log, clock=backend.clock).flush() == 1
        assert log.published == [(event_subject("t1", "s1", env.type), encode_event(env), env.id)]


class TestOutboxInMemory(InMemory, OutboxSuite):
    pass


class TestOutboxOnSqlite(SqliteFile, OutboxSuite):
    pass


class TestOutboxOnPostgres(Postgres, OutboxSuite):
    pass
