"""The delivery counts the gateway's /metrics exports (``wa_webhook_deliveries``): the log's
deliveries by status, of every tenant, on SQLite and PostgreSQL."""

from contracts.webhooks import DeliveryCounts, GetDeliveryCounts
from runtime.bus import Bus
from tests.integration.webhooks.conftest import WebhooksService, connected, created
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually


async def counts(service: WebhooksService) -> dict[str, int]:
    reply = await service.ask(GetDeliveryCounts())
    assert isinstance(reply, DeliveryCounts), reply
    return reply.by_status


async def test_counts_by_status_across_tenants(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    assert await counts(service) == {}
    doomed = created("s1")
    receiver.respond = lambda _, event: 500 if event["id"] == doomed.id else 200
    await service.register("t1", receiver.url)
    await service.register("t2", receiver.url)
    for event in (doomed, connected("s1"), created("s2", tenant="t2")):
        await bus.publisher.publish(event)

    async def settled() -> dict[str, int]:
        found = await counts(service)
        return found if found.get("dead") == 1 and not found.get("pending") else {}

    assert await eventually(settled) == {"dead": 1, "delivered": 2}
