"""Prometheus metrics: the gateway's own requests, and platform gauges read at scrape time."""

from collections.abc import Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from contracts.queries import Stats

__all__ = ["GatewayMetrics"]

DELIVERY_STATUSES = ("pending", "delivered", "dead")
OUTGOING = ("queued", "sent", "delivered", "read", "played", "failed")


def _set_all(gauge: Gauge, values: Mapping[str, int]) -> None:
    gauge.clear()
    for label, value in values.items():
        gauge.labels(label).set(value)


class GatewayMetrics:
    """One registry per app (never the global one), so several apps can live in one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "wa_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "wa_http_request_duration_seconds", "HTTP latency", ["method", "route"], registry=r
        )
        self.event_streams = Gauge("wa_sse_streams_open", "Open /v1/events streams", registry=r)
        self.sessions = Gauge("wa_sessions", "Sessions by status", ["status"], registry=r)
        self.published = Gauge(
            "wa_events_published", "Events in the log (its last stream sequence)", registry=r
        )
        self.projected = Gauge(
            "wa_events_projected", "The store's projection position (stream sequence)", registry=r
        )
        self.sends = Gauge("wa_sends", "Outgoing messages by outcome", ["outcome"], registry=r)
        self.reminders = Gauge("wa_reminders", "Reminders by status", ["status"], registry=r)
        self.reconnects = Gauge("wa_reconnect_attempts", "Reconnect attempts", registry=r)
        self.stats_up = Gauge(
            "wa_metrics_store_up", "1 when the store answered the stats query", registry=r
        )
        self.deliveries = Gauge(  # status "dead": the dead letters
            "wa_webhook_deliveries",
            "Webhook deliveries in the log by status",
            ["status"],
            registry=r,
        )
        self.deliveries_up = Gauge(
            "wa_metrics_webhooks_up", "1 when the webhooks service answered", registry=r
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:  # labels() takes a lock and checks its names: once per key
            children = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def record_stats(self, stats: Stats | None) -> None:
        self.stats_up.set(0 if stats is None else 1)
        if stats is None:
            return
        _set_all(self.sessions, stats.sessions_by_status)
        outcomes = {k: v for k, v in stats.messages_by_status.items() if k in OUTGOING}
        _set_all(self.sends, outcomes)
        _set_all(self.reminders, stats.reminders_by_status)
        self.reconnects.set(stats.reconnect_attempts)
        self.projected.set(stats.events_projected)

    def record_deliveries(self, by_status: Mapping[str, int] | None) -> None:
        self.deliveries_up.set(0 if by_status is None else 1)
        if by_status is not None:  # every status, 0 included: no gap in a dead-letter graph
            _set_all(self.deliveries, {s: by_status.get(s, 0) for s in DELIVERY_STATUSES})

    def record_log_position(self, last_sequence: int | None) -> None:
        if last_sequence is not None:
            self.published.set(last_sequence)

    def render(self) -> bytes:
        return generate_latest(self.registry)
