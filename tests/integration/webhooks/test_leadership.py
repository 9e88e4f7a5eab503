"""Replicas: one leads (consumes and dispatches), the others answer requests and stand by;
a clean stop hands over at once, a dead leader's lease expires after the TTL."""

import pytest

from contracts.ids import new_id
from contracts.webhooks import ListWebhooks, WebhookList
from runtime.bus import Bus
from runtime.leadership import KeyLeadership
from runtime.settings import Settings
from services.webhooks.adapters.leadership import dispatcher_leadership
from tests.integration.webhooks.conftest import WebhooksService, connected, created
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually

# Leadership lives in NATS KV, whatever the database: SQLite is enough here.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
GHOST = "a-leader-that-died"


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
    ghost = await dispatcher_leadership(bus.js, GHOST, ttl_s=settings.lease_ttl_s)
    assert await ghost.acquire()  # it never renews: its entry expires after the TTL
    replica = WebhooksService(settings, bus)
    await replica.start()
    try:
        await replica.register("t1", receiver.url)
        await bus.publisher.publish(created("s1"))
        delivered_while_ghost_led: list[int] = []

        async def ghost_gone() -> bool:
            delivered = len(receiver.hits)  # counted first: all these came while it led…
            if await _leads(ghost, GHOST):  # …if it still does now
                delivered_while_ghost_led.append(delivered)
                return False
            return True

        await eventually(ghost_gone, timeout=30)
        await eventually(receiver.got)
        assert set(delivered_while_ghost_led) <= {0}, delivered_while_ghost_led
        third = await dispatcher_leadership(bus.js, new_id(), settings.lease_ttl_s)
        assert not await third.acquire()  # the replica holds the lease now
        print(
            f"webhooks takeover after a dead leader: {len(delivered_while_ghost_led)} looks "
            f"while its lease stood, nothing delivered then (ttl {settings.lease_ttl_s}s)"
        )
    finally:
        await replica.halt()


async def _leads(leadership: KeyLeadership, instance: str) -> bool:
    return await leadership.leases.owner(leadership.key) == instance
