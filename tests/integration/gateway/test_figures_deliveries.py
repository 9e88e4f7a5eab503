"""The webhooks service's delivery counts in the platform figures: read through the gateway's
Backends, so an unreadable or refused answer leaves them out instead of failing the scrape."""

import msgspec
from nats.aio.msg import Msg

from contracts.commands import Refused
from contracts.subjects import webhooks_subject
from contracts.webhooks import DeliveryCounts
from runtime.bus import Bus
from services.gateway.adapters.backends import Backends
from services.gateway.adapters.figures import ServiceFigures


async def figures_answered_by(bus: Bus, answer: bytes) -> dict[str, int] | None:
    async def webhooks(msg: Msg) -> None:
        await msg.respond(answer)

    sub = await bus.nc.subscribe(webhooks_subject(), cb=webhooks)
    try:
        return (await ServiceFigures(Backends(bus.nc, 2.0), bus.js).read()).deliveries
    finally:
        await sub.unsubscribe()


async def test_delivery_counts_are_read_or_left_out(bus: Bus) -> None:
    counts = DeliveryCounts(by_status={"delivered": 3, "failed": 1})
    assert await figures_answered_by(bus, msgspec.json.encode(counts)) == counts.by_status
    assert await figures_answered_by(bus, b"not json") is None
    refused = Refused(code="unavailable", message="busy")
    assert await figures_answered_by(bus, msgspec.json.encode(refused)) is None
