"""Registration: validation with nothing stored on bad input, filters, tenant isolation,
updates and deletion; the secret is returned once and never again."""

import time
from collections.abc import Awaitable, Callable

import msgspec
import pytest

from contracts.subjects import EVENTS_STREAM
from contracts.webhooks import (
    CreateWebhook,
    DeleteWebhook,
    GetWebhook,
    ListDeliveries,
    ListWebhooks,
    UpdateWebhook,
    WebhookDeleted,
    WebhookList,
    WebhookView,
)
from runtime.bus import Bus
from services.webhooks.domain.signing import verify
from tests.integration.webhooks.conftest import WebhooksService, connected, created, refused
from tests.integration.webhooks.receiver import Receiver
from tests.support.waiting import eventually


async def _listed(service: WebhooksService, tenant: str = "t1") -> list[WebhookView]:
    reply = await service.ask(ListWebhooks(tenant=tenant))
    assert isinstance(reply, WebhookList)
    return reply.items


async def test_bad_registrations_are_refused_and_nothing_is_stored(
    service: WebhooksService,
) -> None:
    cases = [
        ("ftp://example.com/hook", ["*"], {"field": "url", "reason": "scheme"}),
        ("example.com/hook", ["*"], {"field": "url", "reason": "scheme"}),
        ("http:///nohost", ["*"], {"field": "url", "reason": "no_host"}),
        ("http://user:pw@example.com/", ["*"], {"field": "url", "reason": "userinfo"}),
        ("http://example.com:99999/", ["*"], {"field": "url", "reason": "bad_port"}),
        ("https://example.com/hook", [], {"field": "events"}),
        ("https://example.com/hook", ["message.nope"], {"field": "events"}),
        ("https://example.com/hook", ["nope.*"], {"field": "events"}),
    ]
    for url, events, details in cases:
        reply = refused(await service.ask(CreateWebhook(tenant="t1", url=url, events=events)))
        assert reply.code == "validation_failed" and reply.details == details, url
    short = CreateWebhook(tenant="t1", url="https://example.com", events=["*"], secret="short")
    assert refused(await service.ask(short)).details == {"field": "secret"}
    assert await _listed(service) == []


async def test_crud_is_scoped_by_tenant_and_never_shows_the_secret_again(
    service: WebhooksService,
) -> None:
    created_ = await service.register("t1", "https://example.com/a", events=["message.*"])
    assert created_.secret.startswith("whsec_") and len(created_.secret) > 40
    hook = created_.webhook.id
    assert [h.id for h in await _listed(service)] == [hook]
    assert await _listed(service, "t2") == []
    assert refused(await service.ask(GetWebhook(tenant="t2", webhook=hook))).code == "not_found"
    stranger = UpdateWebhook(tenant="t2", webhook=hook, url="https://evil.example")
    assert refused(await service.ask(stranger)).code == "not_found"
    assert refused(await service.ask(DeleteWebhook(tenant="t2", webhook=hook))).code == "not_found"
    assert refused(await service.ask(ListDeliveries(tenant="t2", webhook=hook))).code == "not_found"

    update = UpdateWebhook(tenant="t1", webhook=hook, events=["session.connected"])
    changed = await service.ask(update)
    assert isinstance(changed, WebhookView) and changed.events == ["session.connected"]
    assert changed.url == "https://example.com/a"  # fields not given are kept
    bad = UpdateWebhook(tenant="t1", webhook=hook, url="mailto:x@example.com")
    assert refused(await service.ask(bad)).details == {"field": "url", "reason": "scheme"}
    read = await service.ask(GetWebhook(tenant="t1", webhook=hook))
    assert isinstance(read, WebhookView) and read.url == "https://example.com/a"
    assert b"secret" not in msgspec.json.encode(read)

    assert isinstance(await service.ask(DeleteWebhook(tenant="t1", webhook=hook)), WebhookDeleted)
    assert await _listed(service) == []


async def test_filters_by_type_session_and_tenant(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    await service.register("t1", receiver.url, events=["session.connected"], session_id="s1")
    wanted = connected("s1")
    for event in (created("s1"), connected("s2"), connected("s1", tenant="t2"), wanted):
        await bus.publisher.publish(event)
    await eventually(receiver.got)
    marker = created("s9", tenant="t2")  # an unrelated webhook proves the log was consumed
    await service.register("t2", receiver.url, events=["session.created"])
    await bus.publisher.publish(marker)
    await eventually(lambda: receiver.got(2))
    assert [h.event_id for h in receiver.ok()] == [wanted.id, marker.id]


async def test_a_deleted_webhook_gets_nothing_more(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    receiver.respond = lambda _, __: 500
    hook = (await service.register("t1", receiver.url)).webhook.id
    await bus.publisher.publish(created("s1"))
    await eventually(_hit(receiver))
    await service.ask(DeleteWebhook(tenant="t1", webhook=hook))
    seen = len(receiver.hits)
    receiver.respond = lambda _, __: 200
    other = (await service.register("t1", receiver.url)).webhook.id
    marker = created("s2")
    await bus.publisher.publish(marker)
    await eventually(receiver.got)
    assert [h.event_id for h in receiver.ok()] == [marker.id]
    assert len(receiver.hits) <= seen + 2  # at most one attempt already in flight, then none
    assert other != hook


def _hit(receiver: Receiver) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return bool(receiver.hits)

    return probe


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # about logs, not the database
async def test_secrets_appear_in_no_log_line_and_not_in_the_event_log(
    service: WebhooksService, receiver: Receiver, bus: Bus, capfd: pytest.CaptureFixture[str]
) -> None:
    first, second = "whsec_first-secret-never-logged", "whsec_second-secret-never-logged"
    receiver.respond = lambda nth, _: 500 if nth == 1 else 200
    hook = (await service.register("t1", receiver.url, secret=first)).webhook.id
    await bus.publisher.publish(created("s1"))
    await eventually(receiver.got)
    rotated = await service.ask(UpdateWebhook(tenant="t1", webhook=hook, secret=second))
    assert isinstance(rotated, WebhookView) and b"secret" not in msgspec.json.encode(rotated)
    await bus.publisher.publish(connected("s1"))
    await eventually(lambda: receiver.got(2))
    assert verify(
        second, receiver.ok()[-1].headers["X-WA-Signature"], receiver.ok()[-1].body, now=time.time()
    )

    logged = "".join(capfd.readouterr())
    assert "webhooks.registered" in logged and "webhooks.retry_scheduled" in logged
    assert first not in logged and second not in logged
    info = await bus.js.stream_info(EVENTS_STREAM)
    for seq in range(1, info.state.last_seq + 1):
        data = (await bus.js.get_msg(EVENTS_STREAM, seq)).data or b""
        assert first.encode() not in data and second.encode() not in data
