"""The pullers on a real NATS server: the tap on nats-py's parser takes its inbox's deliveries
raw, every other subscription of the same connection is untouched, and closing removes it;
both the tapped and the public puller renew expired requests."""

import asyncio

import pytest

from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.subjects import event_filter
from runtime.bus import Bus
from runtime.consumer import _bind
from runtime.nats_tap import TappedPuller, status_of
from runtime.pull import Puller, _sequences
from tests.support.waiting import eventually


async def published(bus: Bus, count: int) -> None:
    for n in range(count):
        event = make_event(SessionCreated(name=f"n{n}"), tenant="t1", session=f"s{n}")
        await bus.publisher.publish(event)


async def test_deliveries_come_raw_and_other_subscriptions_as_before(bus: Bus) -> None:
    await published(bus, 5)
    nc = bus.js._nc
    plain: asyncio.Queue[bytes] = asyncio.Queue()

    async def on_plain(msg: object) -> None:
        await plain.put(msg.data)  # type: ignore[attr-defined]

    other = await nc.subscribe("elsewhere", cb=on_plain)
    first = await _bind(bus.js, "pulled", [event_filter()], 0)
    puller = TappedPuller(nc, "pulled", 3, first)
    await puller.start()
    batches = [await puller.next_batch()]
    await nc.publish("elsewhere", b"still a Msg")
    assert await asyncio.wait_for(plain.get(), 5) == b"still a Msg"
    while sum(map(len, batches)) < 5:  # all there was: no waiting for the requests' expiry
        batches.append(await puller.next_batch())
    assert [seq for batch in batches for seq, _, _ in batch] == [1, 2, 3, 4, 5]
    assert all(0 < len(batch) <= 6 for batch in batches)  # at most two requests' worth
    first = batches[0]
    assert all(data.startswith(b"{") and reply.startswith(b"$JS.ACK.") for _, data, reply in first)
    second = batches[-1]
    await puller.ack(second[-1][2])
    await puller.close()
    assert puller._sub._id not in nc._wa_taps  # type: ignore[attr-defined]

    async def acknowledged() -> bool:  # acknowledging the last acknowledged all
        info = await bus.js.consumer_info("WA_EVENTS", "pulled")
        return bool(info.ack_floor.stream_seq == 5)

    await eventually(acknowledged)
    await other.unsubscribe()


def test_ack_subjects_of_both_forms_give_the_sequences() -> None:
    assert _sequences(b"$JS.ACK.WA_EVENTS.store.1.120.7.1700000000000000000.3") == (120, 7, 3)
    domain = b"$JS.ACK.hub.ACCHASH.WA_EVENTS.store.1.120.7.1700000000000000000.3.tok"
    assert _sequences(domain) == (120, 7, 3)
    with pytest.raises(ValueError, match="not a JetStream delivery"):
        _sequences(b"_INBOX.abc")


def test_status_lines_give_code_and_description() -> None:
    assert status_of(b"NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 2\r\n\r\n") == (
        "408",
        "Request Timeout",
    )
    assert status_of(b"NATS/1.0 409 Consumer Deleted\r\n\r\n") == ("409", "Consumer Deleted")
    assert status_of(b"NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n") == ("", "")


@pytest.mark.parametrize("pulling", [TappedPuller, Puller])
async def test_expired_requests_are_renewed_so_later_events_come_without_a_stall(
    bus: Bus, pulling: type[Puller]
) -> None:
    """On a quiet stream the open requests expire (status 408) every half second and are
    asked again; events published later arrive then, not after the 5 s lost-request guard."""
    await published(bus, 1)
    first = await _bind(bus.js, "quiet", [event_filter()], 0)
    puller = pulling(bus.js._nc, "quiet", 10, first)
    await puller.start()
    assert [seq for seq, _, _ in await puller.next_batch()] == [1]
    assert await puller.next_batch() == []  # an expiry: nothing came
    await published(bus, 2)
    later: list[int] = []
    while len(later) < 2:
        later += [seq for seq, _, _ in await puller.next_batch()]
    assert later == [2, 3]
    assert puller.lost_requests == 0  # renewed on expiry, never waited out the 5 s guard
    await puller.close()
