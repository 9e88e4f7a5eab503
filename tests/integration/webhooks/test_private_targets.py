"""Unless allowed, deliveries never reach a host inside the network: a disguised or inside
address, or a local name, is refused at registration; a name that resolves inside is
blocked when connecting, on every attempt; and a redirect is never followed."""

import msgspec
import pytest
from aiohttp import web

from contracts.webhooks import CreateWebhook, DeliveryView, ListWebhooks, WebhookList
from runtime.bus import Bus
from runtime.embedded_nats import free_port
from runtime.settings import Settings
from services.webhooks.adapters.http_sender import BLOCKED
from tests.integration.webhooks.conftest import WebhooksService, created, refused
from tests.integration.webhooks.dns import StaticResolver
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _strict(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, webhook_allow_private_targets=False)


async def test_disguised_and_inside_targets_are_refused_at_registration(
    settings: Settings, bus: Bus, receiver: Receiver
) -> None:
    service = WebhooksService(_strict(settings), bus)
    await service.start()
    try:
        for url, reason in [
            (f"http://１２７.０.０.１:{receiver.port}/hook", "non_ascii_address"),  # noqa: RUF001
            (f"http://127。0。0。1:{receiver.port}/hook", "non_ascii_address"),
            (f"http://2130706433:{receiver.port}/hook", "non_canonical_address"),
            (f"http://[::ffff:127.0.0.1]:{receiver.port}/hook", "private_address"),
            (receiver.url, "private_address"),
            (f"http://localhost:{receiver.port}/hook", "local_name"),
        ]:
            reply = refused(await service.ask(CreateWebhook(tenant="t1", url=url, events=["*"])))
            assert reply.code == "validation_failed", url
            assert reply.details == {"field": "url", "reason": reason}, url
        listed = await service.ask(ListWebhooks(tenant="t1"))
        assert isinstance(listed, WebhookList) and listed.items == []
        assert receiver.hits == []
    finally:
        await service.halt()


async def test_a_name_resolving_to_loopback_is_blocked_on_every_attempt(
    settings: Settings, bus: Bus, receiver: Receiver
) -> None:
    dns = StaticResolver({"hooks.example.com": "127.0.0.1", "v6.example.com": "::ffff:127.0.0.1"})
    service = WebhooksService(_strict(settings), bus, resolver=dns)
    await service.start()
    try:
        hooks = [
            (await service.register("t1", f"http://{name}:{receiver.port}/hook")).webhook.id
            for name in ("hooks.example.com", "v6.example.com")
        ]
        await bus.publisher.publish(created("s1"))
        for hook in hooks:

            async def parked(hook: str = hook) -> list[DeliveryView]:
                return await service.deliveries("t1", hook, status="dead")

            [dead] = await eventually(parked)
            assert [a.error for a in dead.attempts] == [BLOCKED] * 4
        assert receiver.hits == []
        assert {"hooks.example.com", "v6.example.com"} <= set(dns.asked)
    finally:
        await service.halt()


async def test_a_redirect_is_not_followed(service: WebhooksService, receiver: Receiver) -> None:
    async def redirect(_: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(receiver.url)

    app = web.Application()
    app.router.add_post("/hook", redirect)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        hook = (await service.register("t1", f"http://127.0.0.1:{port}/hook")).webhook.id
        await service.bus.publisher.publish(created("s1"))

        async def parked() -> list[DeliveryView]:
            return await service.deliveries("t1", hook, status="dead")

        [dead] = await eventually(parked)
        assert [(a.status_code, a.error) for a in dead.attempts] == [(307, "HTTP 307")] * 4
        assert receiver.hits == []  # where the redirect pointed: never asked
    finally:
        await runner.cleanup()
