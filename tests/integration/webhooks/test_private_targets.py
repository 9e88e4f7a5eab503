"""Unless allowed, deliveries never reach a host inside the network: refused at registration
for addresses and ``localhost``, and at connection time for names that resolve inside."""

import socket

import msgspec
import pytest

from contracts.webhooks import CreateWebhook, DeliveryView
from runtime.bus import Bus
from runtime.settings import Settings
from services.webhooks.adapters.http_sender import BLOCKED
from services.webhooks.domain.validation import is_public_address
from tests.integration.webhooks.conftest import WebhooksService, created, refused
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _name_resolving_inside() -> str:
    name = socket.gethostname()
    found = {info[4][0] for info in socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)}
    if name == "localhost" or any(is_public_address(str(a)) for a in found):
        pytest.skip(f"the host name {name!r} does not resolve only to inside addresses")
    return name


async def test_inside_targets_are_refused_then_blocked_when_connecting(
    settings: Settings, bus: Bus, receiver: Receiver
) -> None:
    strict = msgspec.structs.replace(settings, webhook_allow_private_targets=False)
    service = WebhooksService(strict, bus)
    await service.start()
    try:
        literal = CreateWebhook(tenant="t1", url=receiver.url, events=["*"])
        assert refused(await service.ask(literal)).details == {"field": "url"}
        url = f"http://{_name_resolving_inside()}:{receiver.port}/hook"
        hook = (await service.register("t1", url)).webhook.id
        await bus.publisher.publish(created("s1"))

        async def parked() -> list[DeliveryView]:
            return await service.deliveries("t1", hook, status="dead")

        [dead] = await eventually(parked)
        assert [a.error for a in dead.attempts] == [BLOCKED] * 4
        assert receiver.hits == []
    finally:
        await service.halt()
