"""Replicas: one leads (consumes and dispatches), the others answer requests and stand by;
a clean stop hands over at once, a dead leader's lease expires after the TTL."""

import time

import pytest

from contracts.ids import new_id
from contracts.webhooks import ListWebhooks, WebhookList
from runtime.bus import Bus
from runtime.settings import Settings
from services.webhooks.adapters.leadership import KvLeadership
from tests.integration.webhooks.conftest import WebhooksService, connected, created
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually

# Leadership lives in NATS KV, whatever the database: SQLite is enough here.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def test_only_the_leader_delivers_and_a_clean_stop_hands_over(
    service: WebhooksService, receiver: Receiver, bus: Bus, settings: Settings
) -> None:
    standby = WebhooksService(settings, bus)
    await standby.start()
    try:
        await service.register("t1", receiver.url)
        listed = await standby.ask(ListWebhooks(tenant="t1"))  # any replica answers requests
        assert isinstance(listed, WebhookList) and len(listed.items) == 1
        before = [created("a"), created("b"), connected("a"), connected("b")]
        for event in before:
            await bus.publisher.publish(event)
        await eventually(lambda: receiver.got(4))

        await service.halt()  # the leader stops cleanly and releases its lease
        after = created("c")
        await bus.publisher.publish(after)
        await eventually(lambda: receiver.got(5))
        assert sorted(h.event_id for h in receiver.hits) == sorted(e.id for e in [*before, after])
    finally:
        await standby.halt()


async def test_a_dead_leaders_lease_expires_and_a_replica_takes_over(
    settings: Settings, bus: Bus, receiver: Receiver
) -> None:
    ghost = KvLeadership(bus.js, "a-leader-that-died", ttl_s=settings.lease_ttl_s)
    await ghost.open()
    assert await ghost.acquire()
    taken_at = time.monotonic()  # the ghost never renews: its entry expires after the TTL
    replica = WebhooksService(settings, bus)
    await replica.start()
    try:
        await replica.register("t1", receiver.url)
        await bus.publisher.publish(created("s1"))
        await eventually(receiver.got)
        takeover = time.monotonic() - taken_at
        assert takeover >= settings.lease_ttl_s * 0.9, takeover
        third = KvLeadership(bus.js, new_id(), settings.lease_ttl_s)
        await third.open()
        assert not await third.acquire()  # the replica holds the lease now
        print(
            f"webhooks takeover after a dead leader: {takeover:.2f}s (ttl {settings.lease_ttl_s}s)"
        )
    finally:
        await replica.halt()
