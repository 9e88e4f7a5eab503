"""Deliveries to a real receiver on loopback: signed, retried with backoff, ordered per
session while other sessions flow."""

import itertools
import time
from datetime import timedelta

from contracts.codec import decode_event
from contracts.webhooks import DeliveryView
from runtime.bus import Bus
from services.webhooks.domain.signing import verify
from tests.integration.webhooks.conftest import WebhooksService, connected, created
from tests.integration.webhooks.receiver import HANG, Receiver
from tests.support.logged import as_logged_elsewhere, log_bytes
from tests.support.waiting import eventually


async def test_a_delivery_is_the_envelope_signed_with_the_secret(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    hook = await service.register("t1", receiver.url, events=["session.*"])
    event = created("s1")
    await bus.publisher.publish(event)
    [hit] = await eventually(receiver.got)
    assert decode_event(hit.body) == event
    assert hit.headers["X-WA-Event-Id"] == event.id
    assert hit.headers["X-WA-Event-Type"] == "session.created"
    assert hit.headers["Content-Type"] == "application/json"
    assert verify(hook.secret, hit.headers["X-WA-Signature"], hit.body, now=time.time())
    assert not verify(
        "wrong-secret-0123456789", hit.headers["X-WA-Signature"], hit.body, now=time.time()
    )
    assert not verify(hook.secret, hit.headers["X-WA-Signature"], hit.body + b" ", now=time.time())
    [logged] = await eventually(lambda: _delivered(service, hook.webhook.id))
    assert logged.event_id == event.id and logged.attempts[0].status_code == 200


async def test_the_body_is_the_envelope_as_logged_byte_for_byte(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    """Passed on, not decoded and encoded again; signed and scoped to its tenant all the same."""
    hook = await service.register("t1", receiver.url, events=["session.*"])
    other_tenant = await service.register("t2", receiver.url, events=["session.*"])
    event = created("s1")
    stored = as_logged_elsewhere(event)
    await log_bytes(bus.js, event, stored)
    [hit] = await eventually(receiver.got)
    assert hit.body == stored
    assert verify(hook.secret, hit.headers["X-WA-Signature"], hit.body, now=time.time())
    assert not verify(other_tenant.secret, hit.headers["X-WA-Signature"], hit.body, now=time.time())
    [logged] = await eventually(lambda: _delivered(service, hook.webhook.id))
    assert logged.event_id == event.id
    assert await service.deliveries("t2", other_tenant.webhook.id) == []


async def _delivered(service: WebhooksService, webhook: str) -> list[DeliveryView]:
    return await service.deliveries("t1", webhook, status="delivered")


async def test_failures_are_retried_with_growing_backoff(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    receiver.respond = lambda nth, _: 500 if nth <= 3 else 200
    hook = await service.register("t1", receiver.url)
    event = created("s1")
    await bus.publisher.publish(event)
    await eventually(receiver.got)
    hits = receiver.of_event(event.id)
    assert [h.answered for h in hits] == [500, 500, 500, 200]
    assert [h.headers["X-WA-Attempt"] for h in hits] == ["1", "2", "3", "4"]
    [logged] = await eventually(lambda: _delivered(service, hook.webhook.id))
    assert [a.status_code for a in logged.attempts] == [500, 500, 500, 200]
    # The service's own record, not arrival gaps: each retry started no earlier than the
    # time it set for it, the end of the failed attempt plus the backoff (base 0.1 s, equal
    # jitter: at least 0.1 * 2**(n-1) / 2 after attempt n); the arithmetic is on its stamps.
    for n, (failed, retry) in enumerate(itertools.pairwise(logged.attempts), start=1):
        ended = failed.started_at + timedelta(milliseconds=failed.duration_ms)
        assert retry.started_at >= ended + timedelta(seconds=0.1 * 2 ** (n - 1) / 2), n
    assert [a.number for a in logged.attempts] == [1, 2, 3, 4]
    assert all(a.error == "HTTP 500" for a in logged.attempts[:3])


async def test_a_timeout_counts_as_a_failure_and_is_retried(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    receiver.respond = lambda nth, _: HANG if nth == 1 else 200
    hook = await service.register("t1", receiver.url)
    await bus.publisher.publish(created("s1"))
    [logged] = await eventually(lambda: _delivered(service, hook.webhook.id))
    first, second = logged.attempts
    assert first.status_code is None and (first.error or "").startswith("timeout")
    assert first.error == "timeout after 0.5s" and second.status_code == 200


async def test_a_failing_session_holds_back_only_its_own_later_events(
    service: WebhooksService, receiver: Receiver, bus: Bus
) -> None:
    receiver.respond = lambda nth, event: 503 if event["session"] == "slow" and nth <= 2 else 200
    await service.register("t1", receiver.url)
    slow = [created("slow"), connected("slow"), created("slow", name="again")]
    fast = [created("fast"), connected("fast")]
    for event in (slow[0], fast[0], slow[1], fast[1], slow[2]):
        await bus.publisher.publish(event)
    await eventually(lambda: receiver.got(5))
    assert [h.event_id for h in receiver.ok("slow")] == [e.id for e in slow]
    assert [h.event_id for h in receiver.ok("fast")] == [e.id for e in fast]
    # the fast session was done while the slow one was still failing its first event (by
    # the order the receiver got the requests in)
    order = [(h.session, h.answered) for h in receiver.hits]
    first_slow_success = order.index(("slow", 200))
    assert all(at < first_slow_success for at, hit in enumerate(order) if hit[0] == "fast")
    # nothing of the slow session was sent while its first event was failing
    slow_hits = [h for h in receiver.hits if h.session == "slow"]
    assert [h.event_id for h in slow_hits[:3]] == [slow[0].id] * 3
