"""The operators' counters over HTTP (prometheus_client's own server thread), on loopback."""

from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from services.reminder.service_layer.metrics import ReminderMetrics

__all__ = ["serve_metrics"]


def serve_metrics(metrics: ReminderMetrics, port: int) -> WSGIServer:
    """Prometheus text on ``http://127.0.0.1:<port>/metrics``; ``shutdown()`` ends it."""
    server, _ = start_http_server(port, addr="127.0.0.1", registry=metrics.registry)
    return server
