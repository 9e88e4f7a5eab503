"""Per-tenant limits and pages: a tenant registers at most ``tenant_max_webhooks`` webhooks,
even when the requests race (on SQLite and PostgreSQL), and lists them a page at a time."""

import asyncio

import msgspec

from contracts.webhooks import (
    CreateWebhook,
    DeleteWebhook,
    ListWebhooks,
    WebhookCreated,
    WebhookList,
)
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.webhooks.conftest import WebhooksService, refused

URL = "https://hooks.example.com/in"


async def test_racing_registrations_stop_at_the_tenants_limit(settings: Settings, bus: Bus) -> None:
    service = WebhooksService(msgspec.structs.replace(settings, tenant_max_webhooks=3), bus)
    await service.start()
    try:
        asks = [CreateWebhook(tenant="t1", url=URL, events=["*"]) for _ in range(8)]
        replies = await asyncio.gather(*(service.ask(a) for a in asks))
        made = [r for r in replies if isinstance(r, WebhookCreated)]
        assert len(made) == 3, replies
        for reply in replies:
            if not isinstance(reply, WebhookCreated):
                assert refused(reply).code == "quota_exceeded"
                assert reply.details == {"limit": 3, "resource": "webhooks"}
        listed = await service.ask(ListWebhooks(tenant="t1"))
        assert isinstance(listed, WebhookList) and len(listed.items) == 3

        await service.register("t2", URL)  # another tenant has its own count
        await service.ask(DeleteWebhook(tenant="t1", webhook=made[0].webhook.id))
        await service.register("t1", URL)  # room again
        assert refused(await service.ask(asks[0])).code == "quota_exceeded"
    finally:
        await service.halt()


async def test_webhooks_are_listed_a_page_at_a_time(service: WebhooksService) -> None:
    made = [(await service.register("t1", URL)).webhook.id for _ in range(5)]
    await service.register("t2", URL)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await service.ask(ListWebhooks(tenant="t1", limit=2, cursor=cursor))
        assert isinstance(page, WebhookList)
        seen += [h.id for h in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert (seen, pages) == (sorted(made), 3)
    everything = await service.ask(ListWebhooks(tenant="t1"))
    assert isinstance(everything, WebhookList) and everything.next_cursor is None
    assert [h.id for h in everything.items] == sorted(made)

    for bad in (
        ListWebhooks(tenant="t1", cursor="not-ours"),
        ListWebhooks(tenant="t1", limit=0),
        ListWebhooks(tenant="t1", limit=201),
    ):
        reply = refused(await service.ask(bad))
        assert reply.code == "validation_failed" and reply.details["field"] in ("cursor", "limit")
