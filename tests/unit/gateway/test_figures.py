"""/metrics' platform figures: one computation per TTL however many scrapes, figures intact."""

import asyncio

import pytest

from contracts.queries import Stats
from services.gateway.http.metrics import GatewayMetrics
from services.gateway.service_layer.figures import CachedFigures, Figures, FiguresSource


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountingSource(FiguresSource):
    """The port in memory: counts computations; each one waits until ``release`` is set."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()
        self.failing = False

    async def read(self) -> Figures:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        if self.failing:
            raise RuntimeError("the store exploded")
        stats = Stats(
            sessions_by_status={"connected": self.calls, "pairing": 2},
            messages_by_status={"sent": 10 * self.calls, "received": 99},
            reminders_by_status={"scheduled": 3},
            reconnect_attempts=4,
            events_projected=500 + self.calls,
        )
        deliveries = {"delivered": 7, "dead": self.calls}
        return Figures(stats=stats, last_sequence=600 + self.calls, deliveries=deliveries)


async def test_concurrent_scrapes_share_one_computation() -> None:
    source, clock = CountingSource(), FakeClock()
    cache = CachedFigures(source, ttl_s=10.0, clock=clock)
    source.release.clear()
    scrapes = [asyncio.create_task(cache.get()) for _ in range(30)]
    await source.started.wait()  # every scrape has asked before the computation began
    source.release.set()
    results = await asyncio.gather(*scrapes)
    assert source.calls == 1
    assert all(result == results[0] for result in results)


async def test_one_computation_per_ttl() -> None:
    source, clock = CountingSource(), FakeClock()
    cache = CachedFigures(source, ttl_s=10.0, clock=clock)
    first = await cache.get()
    clock.now += 9.9
    assert await asyncio.gather(*(cache.get() for _ in range(30))) == [first] * 30
    assert source.calls == 1
    clock.now += 0.1
    second = await cache.get()
    assert source.calls == 2
    assert second.last_sequence == 602 and second != first


async def test_a_failed_computation_is_not_kept() -> None:
    source, clock = CountingSource(), FakeClock()
    cache = CachedFigures(source, ttl_s=10.0, clock=clock)
    source.failing = True
    with pytest.raises(RuntimeError):
        await cache.get()
    source.failing = False
    assert (await cache.get()).last_sequence == 602
    assert source.calls == 2


async def test_the_scrape_shows_the_computed_figures() -> None:
    source, metrics = CountingSource(), GatewayMetrics()
    cache = CachedFigures(source, ttl_s=10.0, clock=FakeClock())
    for _ in range(3):
        figures = await cache.get()
        metrics.record_stats(figures.stats)
        metrics.record_log_position(figures.last_sequence)
        metrics.record_deliveries(figures.deliveries)
    sample = metrics.registry.get_sample_value
    assert sample("wa_sessions", {"status": "connected"}) == 1
    assert sample("wa_sessions", {"status": "pairing"}) == 2
    assert sample("wa_sends", {"outcome": "sent"}) == 10
    assert sample("wa_sends", {"outcome": "received"}) is None  # not an outgoing outcome
    assert sample("wa_reminders", {"status": "scheduled"}) == 3
    assert sample("wa_reconnect_attempts") == 4
    assert sample("wa_events_projected") == 501
    assert sample("wa_events_published") == 601
    assert sample("wa_metrics_store_up") == 1
    assert sample("wa_webhook_deliveries", {"status": "dead"}) == 1  # the dead letters
    assert sample("wa_webhook_deliveries", {"status": "delivered"}) == 7
    assert sample("wa_webhook_deliveries", {"status": "pending"}) == 0  # shown, not missing
    assert sample("wa_metrics_webhooks_up") == 1


def test_webhooks_that_do_not_answer_show_as_down_not_as_zero() -> None:
    metrics = GatewayMetrics()
    metrics.record_deliveries({"dead": 2})
    metrics.record_deliveries(None)
    sample = metrics.registry.get_sample_value
    assert sample("wa_metrics_webhooks_up") == 0
    assert sample("wa_webhook_deliveries", {"status": "dead"}) == 2  # the last known figure
