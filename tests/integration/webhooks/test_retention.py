"""The delivery log stays bounded: delivered entries leave it after the retention period;
dead letters stay until redelivered."""

import msgspec
import pytest

from contracts.webhooks import DeliveryView
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.webhooks.conftest import WebhooksService, created
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually

pytestmark = pytest.mark.parametrize(
    "db_url", ["sqlite"], indirect=True
)  # plain SQL: one is enough


async def test_delivered_entries_are_pruned_and_dead_letters_kept(
    settings: Settings, bus: Bus, receiver: Receiver
) -> None:
    service = WebhooksService(msgspec.structs.replace(settings, webhook_log_retention_s=2.0), bus)
    await service.start()
    try:
        kept, pruned = created("s1"), created("s2")
        receiver.respond = lambda _, event: 500 if event["id"] == kept.id else 200
        hook = (await service.register("t1", receiver.url)).webhook.id
        await bus.publisher.publish(kept)
        await bus.publisher.publish(pruned)

        async def delivered() -> list[DeliveryView]:
            return await service.deliveries("t1", hook, status="delivered")

        async def only_the_dead_letter_left() -> list[DeliveryView]:
            log = await service.deliveries("t1", hook)
            return log if [d.status for d in log] == ["dead"] else []

        [done] = await eventually(delivered)
        assert done.event_id == pruned.id
        [dead] = await eventually(only_the_dead_letter_left)
        assert dead.event_id == kept.id and len(dead.attempts) == 4
    finally:
        await service.halt()
