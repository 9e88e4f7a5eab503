"""The API described: /openapi.json, a browsable /docs page (served locally), /metrics."""

from importlib.resources import files

from aiohttp import web
from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import APIError
from prometheus_client import CONTENT_TYPE_LATEST

from contracts.queries import GetStats, Stats
from contracts.subjects import EVENTS_STREAM
from runtime.rpc import BackendUnavailable
from services.gateway.errors import ApiError
from services.gateway.keys import BACKENDS, JETSTREAM, METRICS, OPENAPI
from services.gateway.operations import Operations

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
    registry = request.app[METRICS]
    try:
        stats: Stats | None = await request.app[BACKENDS].read(GetStats(), Stats)
    except (BackendUnavailable, ApiError):
        stats = None
    registry.record_stats(stats)
    try:
        info = await request.app[JETSTREAM].stream_info(EVENTS_STREAM)
        registry.record_log_position(info.state.last_seq)
    except (NatsTimeout, NoRespondersError, ConnectionClosedError, APIError):
        pass
    return web.Response(body=registry.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
