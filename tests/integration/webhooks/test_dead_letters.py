"""After the last retry a delivery is parked; the session's later events go on; a parked
delivery can be listed and redelivered."""

from contracts.commands import Refused
from contracts.webhooks import DeliveryView, RedeliverDelivery
from runtime.bus import Bus
from tests.integration.webhooks.conftest import WebhooksService, connected, created
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually


async def test_a_dead_letter_does_not_block_its_session_and_can_be_redelivered(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    doomed, later = created("s1"), connected("s1")
    refuse = {doomed.id}
    receiver.respond = lambda _, event: 500 if event["id"] in refuse else 200
    hook = (await service.register("t1", receiver.url)).webhook.id
    await bus.publisher.publish(doomed)
    await bus.publisher.publish(later)

    async def parked() -> list[DeliveryView]:
        return await service.deliveries("t1", hook, status="dead")

    [dead] = await eventually(parked)
    assert dead.event_id == doomed.id
    assert [a.status_code for a in dead.attempts] == [500, 500, 500, 500]  # max_attempts=4
    [after] = await eventually(receiver.got)
    assert after.event_id == later.id  # the lane moved on past the parked delivery
    assert [h.answered for h in receiver.of_event(doomed.id)] == [500] * 4

    refuse.clear()
    reply = await service.ask(RedeliverDelivery(tenant="t1", webhook=hook, delivery=dead.id))
    assert isinstance(reply, DeliveryView) and reply.status == "pending"
    await eventually(lambda: receiver.got(2))
    assert receiver.ok()[-1].event_id == doomed.id
    assert receiver.ok()[-1].headers["X-WA-Attempt"] == "5"

    async def redelivered() -> list[DeliveryView]:
        found = await service.deliveries("t1", hook, status="delivered")
        return [d for d in found if d.id == dead.id]

    [done] = await eventually(redelivered)
    assert [a.number for a in done.attempts] == [1, 2, 3, 4, 5]
    assert [a.status_code for a in done.attempts] == [500, 500, 500, 500, 200]
    assert await service.deliveries("t1", hook, status="dead") == []


async def test_only_a_dead_letter_of_ones_own_webhook_is_redelivered(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    hook = (await service.register("t1", receiver.url)).webhook.id
    await bus.publisher.publish(created("s1"))
    await eventually(receiver.got)

    async def delivered() -> list[DeliveryView]:
        return await service.deliveries("t1", hook, status="delivered")

    [done] = await eventually(delivered)
    again = await service.ask(RedeliverDelivery(tenant="t1", webhook=hook, delivery=done.id))
    assert isinstance(again, Refused) and again.code == "conflict"
    stranger = await service.ask(RedeliverDelivery(tenant="t2", webhook=hook, delivery=done.id))
    assert isinstance(stranger, Refused) and stranger.code == "not_found"
    unknown = await service.ask(RedeliverDelivery(tenant="t1", webhook=hook, delivery="nope"))
    assert isinstance(unknown, Refused) and unknown.code == "not_found"
    assert len(receiver.hits) == 1
