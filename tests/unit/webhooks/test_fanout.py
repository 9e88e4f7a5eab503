"""The fan-out on in-memory ports: an event becomes one delivery per matching webhook of its
own tenant, queued with the consumer's position in one unit of work; a duplicate, a replay
or a crash before the position is saved queues nothing twice."""

import asyncio

import pytest

from contracts.codec import decode_logged, encode_event
from contracts.subjects import event_filter, event_subject
from runtime.messaging import Delivered
from runtime.tracking import MemoryTracking
from runtime.transaction import Deferring
from runtime.unit_of_work import MemoryUnitOfWork
from services.webhooks.service_layer.fanout import CONSUMER
from tests.support.logged import as_logged_elsewhere
from tests.unit.webhooks.service import Service, connected, created


async def test_each_event_goes_to_the_matching_webhooks_of_its_tenant_only() -> None:
    svc = Service()
    every = await svc.register("t1")
    sessions_only = await svc.register("t1", events=["session.connected"])
    one_session = await svc.register("t1", session_id="s2")
    other_tenant = await svc.register("t2")
    first, second = created("s1"), connected("s1")
    for event in (first, second, created("s9", tenant="t3")):
        await svc.log.publish(event)
    await svc.consume()
    assert [d.event_id for d in await svc.deliveries(every)] == [second.id, first.id]
    assert [d.event_id for d in await svc.deliveries(sessions_only)] == [second.id]
    assert await svc.deliveries(one_session) == []
    assert await svc.deliveries(other_tenant, tenant="t2") == []
    assert await svc.fanout.position() == 3 and svc.woken == 1  # one batch, one wake-up


async def test_the_body_is_the_event_as_logged() -> None:
    svc = Service()
    hook = await svc.register()
    event = created("s1")
    stored = as_logged_elsewhere(event)
    assert stored != encode_event(event)
    subject = event_subject(event.tenant, event.session, event.type)
    await svc.log.publish_encoded(subject, stored, msg_id=event.id)
    await svc.consume()
    await svc.dispatch()
    assert [hit.body for hit in svc.receiver.hits] == [stored]
    assert [d.event_id for d in await svc.deliveries(hook)] == [event.id]


async def test_an_event_logged_twice_is_delivered_once() -> None:
    """Past the log's de-duplication window the same event can have two sequences."""
    svc = Service()
    hook = await svc.register()
    event = created("s1")
    assert await svc.log.publish(event) != await svc.log.publish(event)
    await svc.consume()
    await svc.dispatch()
    assert len(await svc.deliveries(hook)) == 1 and len(svc.receiver.hits) == 1


async def test_a_batch_applied_again_queues_nothing_twice() -> None:
    """A crash after the commit and before the acknowledgement: the feed hands it again."""
    svc = Service()
    hook = await svc.register()
    await svc.log.publish(created("s1"))
    await svc.consume()
    again = svc.restarted()
    [stored] = svc.log.events
    await again.fanout.apply([Delivered(stored.sequence, *decode_logged(stored.data))])
    await again.dispatch()
    assert len(await again.deliveries(hook)) == 1 and len(again.receiver.hits) == 1


class CrashingTracking(MemoryTracking):
    """The process dies as the position is saved: after the deliveries, before the commit."""

    def __init__(self) -> None:
        super().__init__()
        self.crash = True

    async def save(self, tx: Deferring, consumer: str, sequence: int) -> None:
        if self.crash:
            self.crash = False
            raise RuntimeError("killed")
        await super().save(tx, consumer, sequence)


async def test_a_crash_before_the_commit_queues_nothing_and_the_replay_queues_once() -> None:
    tracking = CrashingTracking()
    svc = Service(uow=MemoryUnitOfWork(tracking))
    hook = await svc.register()
    await svc.log.publish(created("s1"))
    with pytest.raises(RuntimeError, match="killed"):
        await svc.log.run(
            svc.fanout, durable=CONSUMER, filters=[event_filter()], stop=asyncio.Event()
        )
    assert await svc.deliveries(hook) == [] and await svc.fanout.position() == 0
    assert svc.woken == 0  # nothing committed, nobody woken
    await svc.restarted().consume()
    assert len(await svc.deliveries(hook)) == 1
