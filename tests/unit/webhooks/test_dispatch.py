"""The dispatcher and the registry on in-memory ports, timed by a fake clock: retries wait
out their backoff, the last failure parks the delivery, a parked one is redelivered on
request, and a crash on either side of a send neither loses a delivery nor skips one."""

import time

from contracts.commands import Refused
from contracts.webhooks import DeliveryCounts, DeliveryView, GetDeliveryCounts, RedeliverDelivery
from services.webhooks.domain.signing import verify
from tests.unit.webhooks.service import Service, connected, created


async def _queued(svc: Service, *events: object) -> str:
    hook = await svc.register()
    for event in events:
        await svc.log.publish(event)  # type: ignore[arg-type]
    await svc.consume()
    return hook


async def test_a_failure_is_retried_after_its_backoff_by_the_clock() -> None:
    svc = Service()
    svc.receiver.answer = lambda _: 500 if len(svc.receiver.hits) < 3 else 200
    event = created("s1")
    hook = await _queued(svc, event)
    await svc.dispatch()
    assert len(svc.receiver.hits) == 1
    for attempt, wait_s in ((2, 5.0), (3, 10.0)):  # base 10 s, equal jitter, rand 0
        svc.clock.advance(wait_s - 0.5)
        await svc.dispatch()
        assert len(svc.receiver.hits) == attempt - 1  # not due yet
        svc.clock.advance(0.5)
        await svc.dispatch()
        assert len(svc.receiver.hits) == attempt
    assert [h.headers["X-WA-Attempt"] for h in svc.receiver.hits] == ["1", "2", "3"]
    [done] = await svc.deliveries(hook)
    assert done.status == "delivered" and [a.status_code for a in done.attempts] == [500, 500, 200]
    secret = svc.store.hooks[hook].secret
    last = svc.receiver.hits[-1]
    assert verify(secret, last.headers["X-WA-Signature"], last.body, now=svc.clock())
    assert not verify(secret, last.headers["X-WA-Signature"], last.body, now=time.time() + 3600)


async def _failed_out(svc: Service) -> DeliveryView:
    svc.clock.advance(3600)
    for _ in range(3):
        await svc.dispatch()
        svc.clock.advance(3600)
    [dead] = [d for d in await svc.deliveries(next(iter(svc.store.hooks))) if d.status == "dead"]
    return dead


async def test_the_last_failure_parks_it_and_the_lane_moves_on() -> None:
    svc = Service()
    doomed, later = created("s1"), connected("s1")
    svc.receiver.answer = lambda hit: 500 if hit.headers["X-WA-Event-Id"] == doomed.id else 200
    await _queued(svc, doomed, later)
    dead = await _failed_out(svc)
    await svc.dispatch()
    assert dead.event_id == doomed.id and [a.number for a in dead.attempts] == [1, 2, 3]
    assert dead.next_attempt_at is None
    ids = [h.headers["X-WA-Event-Id"] for h in svc.receiver.hits]
    assert ids == [doomed.id] * 3 + [later.id]  # held its lane until parked, then moved on


async def test_a_dead_letter_is_redelivered_on_request_once() -> None:
    svc = Service()
    failing = True
    svc.receiver.answer = lambda _: 500 if failing else 200
    hook = await _queued(svc, created("s1"))
    dead = await _failed_out(svc)
    failing = False
    counts = await svc.registry.handle(GetDeliveryCounts())
    assert isinstance(counts, DeliveryCounts) and counts.by_status == {"dead": 1}
    again = RedeliverDelivery(tenant="t1", webhook=hook, delivery=dead.id)
    stranger = RedeliverDelivery(tenant="t2", webhook=hook, delivery=dead.id)
    assert isinstance(await svc.registry.handle(stranger), Refused)
    woken = svc.woken
    queued = await svc.registry.handle(again)
    assert isinstance(queued, DeliveryView) and queued.status == "pending"
    assert svc.woken == woken + 1
    await svc.dispatch()
    assert svc.receiver.hits[-1].headers["X-WA-Attempt"] == "4"
    twice = await svc.registry.handle(again)
    assert isinstance(twice, Refused) and twice.code == "conflict"
    [done] = await svc.deliveries(hook)
    assert done.status == "delivered" and [a.status_code for a in done.attempts][-1] == 200
    assert await svc.registry.handle(GetDeliveryCounts()) == DeliveryCounts(
        by_status={"delivered": 1}
    )


async def test_a_crash_after_the_queue_commits_and_before_sending_loses_nothing() -> None:
    """The effect (the queued delivery) is committed; its sending is the next process's."""
    svc = Service()
    hook = await _queued(svc, created("s1"))
    assert svc.receiver.hits == []  # the dispatcher died before its turn
    after = svc.restarted()
    await after.dispatch()
    assert len(after.receiver.hits) == 1
    assert [d.status for d in await after.deliveries(hook)] == ["delivered"]


async def test_a_crash_between_the_send_and_its_record_sends_it_again_the_same() -> None:
    """At least once: the receiver sees the delivery twice, with the same ids and attempt."""
    svc = Service()
    hook = await _queued(svc, created("s1"))
    [row] = svc.store.rows
    svc.receiver.crash_on.add(row)
    await svc.dispatch()
    assert len(svc.receiver.hits) == 1 and svc.store.rows[row].attempts == 0
    after = svc.restarted()
    await after.dispatch()
    [first], [second] = svc.receiver.hits, after.receiver.hits
    assert first.body == second.body
    for header in ("X-WA-Delivery-Id", "X-WA-Event-Id", "X-WA-Attempt"):
        assert first.headers[header] == second.headers[header]
    [done] = await after.deliveries(hook)
    assert done.status == "delivered" and len(done.attempts) == 1
