"""Session ownership leases in NATS KV: compare-and-set, TTL, taking one's own back, fencing."""

from contracts.simulator import SimSentReply
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.adapters.leases import LEASE_BUCKET, open_leases
from tests.integration.session.harness import Driver, fast, running_service
from tests.support.waiting import eventually


async def test_a_lease_is_held_by_one_instance_and_taken_back_by_its_own(bus: Bus) -> None:
    a = await open_leases(bus.js, "inst-a", ttl_s=1.0, replicas=1)
    b = await open_leases(bus.js, "inst-b", ttl_s=1.0, replicas=1)
    assert await a.acquire("s1")
    assert not await b.acquire("s1")
    assert await a.renew("s1")
    restarted = await open_leases(bus.js, "inst-a", ttl_s=1.0, replicas=1)
    assert await restarted.acquire("s1")  # at once: it is its own
    assert not await a.renew("s1")  # the old holder's revision is stale: it must stop

    async def expired_and_taken() -> bool:
        return await b.acquire("s1")

    await eventually(expired_and_taken, timeout=10, interval=0.2)
    assert await b.owner("s1") == "inst-b"
    assert not await restarted.renew("s1")


async def test_losing_a_lease_stops_the_client(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings, lease_ttl_s=2.0, instance_id="inst-one"), bus):
        d = Driver(bus)
        session = await d.connected_session()
        kv = await bus.js.key_value(LEASE_BUCKET)
        assert (await kv.get(session)).value == b"inst-one"
        await kv.put(session, b"inst-other")  # another instance took it (after a partition)

        async def stopped() -> SimSentReply | None:
            stats = await d.sent(session)
            return stats if not stats.connected else None

        stats = await eventually(stopped, timeout=10)
        assert stats is not None and stats.clients_created == 1
