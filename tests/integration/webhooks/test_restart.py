"""A stopped (or crashed) webhooks service loses no delivery: what was queued or published
while it was down is delivered after it starts again, still in order per session."""

from runtime.bus import Bus
from tests.integration.webhooks.conftest import WebhooksService, connected, created
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually


async def test_nothing_is_lost_across_a_restart(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    failing = True
    receiver.respond = lambda _, __: 500 if failing else 200
    await service.register("t1", receiver.url)
    first, second = created("s1"), connected("s1")
    await bus.publisher.publish(first)

    async def tried() -> bool:
        return bool(receiver.hits)

    await eventually(tried)
    await service.halt()
    await bus.publisher.publish(second)  # published while the service is down
    failing = False
    await service.start()
    await eventually(lambda: receiver.got(2))
    assert [h.event_id for h in receiver.ok()] == [first.id, second.id]
