"""The API described: /openapi.json, a browsable /docs page (served locally), /metrics."""

from importlib.resources import files

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from services.gateway.http.keys import FIGURES, METRICS, OPENAPI
from services.gateway.http.operations import Operations

ops = Operations("operations")
TEXT = {"text/plain": {"type": "string"}}
HTML = {"text/html": {"type": "string"}}


@ops("GET", "/openapi.json", summary="This document (OpenAPI 3.1)", auth="none",
     media={"application/json": {"type": "object"}})  # fmt: skip
async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[OPENAPI], content_type="application/json")


@ops("GET", "/docs", summary="A browsable page of this document", auth="none", media=HTML)
async def docs(_: web.Request) -> web.Response:
    page = files("services.gateway").joinpath("docs.html").read_bytes()
    return web.Response(body=page, content_type="text/html", charset="utf-8")


@ops("GET", "/metrics", summary="Prometheus metrics", auth="none", media=TEXT)
async def metrics(request: web.Request) -> web.Response:
    """The platform gauges are at most ``WA_GATEWAY_METRICS_TTL_S`` old (see figures.py)."""
    figures = await request.app[FIGURES].get()
    registry = request.app[METRICS]
    registry.record_stats(figures.stats)
    registry.record_log_position(figures.last_sequence)
    registry.record_deliveries(figures.deliveries)
    return web.Response(body=registry.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
