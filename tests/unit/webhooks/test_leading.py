"""The leader's work on the in-memory lease and event log: of two replicas on one store, only
the one holding the dispatcher's lease fans out and delivers, each event once."""

import asyncio

from runtime.leadership import KeyLeadership, lead_when_elected
from runtime.leases import Leases
from runtime.memory.leases import MemoryLeaseBucket
from services.webhooks.service_layer.delivering import Delivering
from tests.support.waiting import eventually
from tests.unit.webhooks.service import Service, connected, created

TTL_S = 5.0


def _lead(
    svc: Service, bucket: MemoryLeaseBucket, instance: str, stop: asyncio.Event
) -> "asyncio.Task[None]":
    leadership = KeyLeadership(Leases(bucket, instance), "dispatcher")
    work = Delivering(svc.log, svc.fanout, svc.dispatcher, svc.store, retention_s=3600)
    return asyncio.create_task(
        lead_when_elected(leadership, work, stop, ttl_s=TTL_S, name="webhooks")
    )


async def test_only_the_lease_holder_delivers_and_each_event_once() -> None:
    first = Service()
    second = first.restarted()  # another replica: the same store and log, its own sender
    await first.register()
    bucket, stop = MemoryLeaseBucket(TTL_S), asyncio.Event()
    replicas = [_lead(first, bucket, "a", stop), _lead(second, bucket, "b", stop)]
    events = [created("s1"), connected("s1"), created("s2")]
    for event in events:
        await first.log.publish(event)

    async def all_delivered() -> bool:
        return len(first.receiver.hits) + len(second.receiver.hits) == len(events)

    await eventually(all_delivered)
    stop.set()
    await asyncio.gather(*replicas)
    counts = sorted([len(first.receiver.hits), len(second.receiver.hits)])
    assert counts == [0, len(events)]
    sent = [h.headers["X-WA-Event-Id"] for h in first.receiver.hits + second.receiver.hits]
    assert sorted(sent) == sorted(e.id for e in events)
