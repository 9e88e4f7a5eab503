"""The lease port's one suite, run on NATS KV (a real server) and in memory: every behaviour
"one live client per number" rests on (per-key leases, takeover after the TTL, a restart
under the same instance id taking its lease back, stale revisions refused, release)."""

import asyncio

import pytest

from runtime.bus import Bus
from runtime.embedded_nats import EmbeddedNats
from runtime.leadership import KeyLeadership, Work, lead_when_elected
from runtime.leases import LeaseUnavailable
from tests.integration.kit.lease_worlds import TTL_S, LeaseWorld, MemoryWorld, NatsWorld
from tests.support.waiting import eventually


@pytest.fixture(params=["memory", "nats"])
def world(request: pytest.FixtureRequest) -> LeaseWorld:
    if request.param == "memory":
        return MemoryWorld()
    bus: Bus = request.getfixturevalue("bus")
    server: EmbeddedNats = request.getfixturevalue("nats_server")
    return NatsWorld(bus, server.url)


async def test_a_key_is_held_by_one_instance_and_keys_are_independent(world: LeaseWorld) -> None:
    a, b = await world.leases("inst-a"), await world.leases("inst-b")
    assert await a.acquire("s1")
    assert not await b.acquire("s1")
    assert await b.acquire("s2")
    assert await a.owner("s1") == "inst-a" and await a.owner("s2") == "inst-b"
    assert await a.owner("s3") is None
    assert a.held() == ["s1"] and a.holds("s1") and not b.holds("s1")


async def test_renewing_keeps_the_lease_and_acquiring_again_renews(world: LeaseWorld) -> None:
    a, b = await world.leases("inst-a"), await world.leases("inst-b")
    assert await a.acquire("s1")
    assert await a.renew("s1")
    assert await a.acquire("s1")  # held: renewed
    assert not await b.renew("s1")  # never held
    assert not await b.acquire("s1")


async def test_a_restart_under_the_same_id_takes_its_lease_back_at_once(
    world: LeaseWorld,
) -> None:
    before = await world.leases("inst-a")
    assert await before.acquire("s1")
    restarted = await world.leases("inst-a")
    assert await restarted.acquire("s1")
    assert not await before.renew("s1")  # its revision is stale: the old client must stop
    assert not before.holds("s1") and restarted.holds("s1")


async def test_after_the_ttl_another_instance_takes_over(world: LeaseWorld) -> None:
    a, b = await world.leases("inst-a"), await world.leases("inst-b")
    assert await a.acquire("s1")
    await world.expire("s1")
    assert await b.acquire("s1")
    assert await b.owner("s1") == "inst-b"
    assert not await a.renew("s1")
    await a.release("s1")  # lost already: gives nothing back, takes nothing away
    assert await b.owner("s1") == "inst-b" and await b.renew("s1")


async def test_a_lease_written_over_is_lost_and_release_leaves_the_new_one(
    world: LeaseWorld,
) -> None:
    a = await world.leases("inst-a")
    assert await a.acquire("s1") and await a.acquire("s2")
    await world.overwrite("s1", b"inst-other")
    assert await a.renew_all() == ["s1"]
    assert a.held() == ["s2"]
    assert not await a.acquire("s1")
    assert await a.owner("s1") == "inst-other"
    await world.overwrite("s2", b"inst-other")
    await a.release("s2")  # on a revision that moved on: the other's entry stays
    assert await a.owner("s2") == "inst-other" and not a.held()


async def test_release_hands_the_key_over_at_once(world: LeaseWorld) -> None:
    a, b = await world.leases("inst-a"), await world.leases("inst-b")
    assert await a.acquire("s1")
    await a.release("s1")
    assert not a.holds("s1")
    assert await a.owner("s1") is None
    assert await b.acquire("s1")


async def test_forgetting_a_lease_keeps_the_key_ours_to_take_back(world: LeaseWorld) -> None:
    a = await world.leases("inst-a")
    assert await a.acquire("s1")
    a.forget("s1")
    assert not a.holds("s1") and not await a.renew("s1")
    assert await a.acquire("s1")  # the entry still says inst-a


async def test_an_unreachable_bucket_is_unavailable_not_lost(world: LeaseWorld) -> None:
    cut = await world.cut("inst-a")
    with pytest.raises(LeaseUnavailable):
        await cut.renew("k")
    assert cut.holds("k")  # cannot tell: the caller decides (the session fences on time)
    with pytest.raises(LeaseUnavailable):
        await cut.acquire("other")
    await cut.release("k")  # best effort: the TTL ends it
    assert not cut.holds("k")


async def test_leadership_is_the_lease_on_one_key(world: LeaseWorld) -> None:
    one = KeyLeadership(await world.leases("inst-a"), "leader")
    two = KeyLeadership(await world.leases("inst-b"), "leader")
    assert await one.acquire() and await one.renew()
    assert not await two.acquire()
    await one.release()
    assert await two.acquire()
    assert not await one.renew()
    cut = KeyLeadership(await world.cut("inst-c"), "k")
    assert not await cut.renew()  # cannot tell: not leading
    assert not await cut.acquire()


async def test_only_the_elected_one_works_and_a_clean_stop_hands_over(world: LeaseWorld) -> None:
    """``lead_when_elected`` on the port: of two contenders one works; when it stops, the
    other takes over at once (released, not expired)."""
    working: list[str] = []

    def work(name: str) -> Work:
        async def run(term: asyncio.Event) -> None:
            working.append(name)
            await term.wait()

        return run

    stops = {name: asyncio.Event() for name in ("one", "two")}
    first = KeyLeadership(await world.leases("inst-one"), "leader")
    assert await first.acquire()  # "one" is elected first
    loops = [
        asyncio.create_task(
            lead_when_elected(lease, work(name), stops[name], ttl_s=TTL_S, name=name)
        )
        for name, lease in (
            ("one", first),
            ("two", KeyLeadership(await world.leases("inst-two"), "leader")),
        )
    ]

    async def leading(names: list[str]) -> bool:
        return working == names

    await eventually(lambda: leading(["one"]))
    stops["one"].set()
    await loops[0]
    await eventually(lambda: leading(["one", "two"]))
    stops["two"].set()
    await loops[1]
