"""Request metrics (a middleware), and the per-key rate limit applied to authenticated routes."""

import hashlib
import math
import time

from aiohttp import web

from contracts.ids import is_valid_id, new_id
from services.gateway.errors import ApiError, Handler
from services.gateway.keys import LIMITER, METRICS

__all__ = ["echo_request_id", "enforce_rate_limit", "metrics_middleware", "request_id"]


def _route(request: web.Request) -> str:
    info = request.match_info
    if info.http_exception is not None or info.route.resource is None:
        return "unmatched"
    return info.route.resource.canonical


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        elapsed = time.perf_counter() - started
        request.app[METRICS].observe(request.method, _route(request), status, elapsed)


def enforce_rate_limit(request: web.Request) -> None:
    """429 with Retry-After once the presented credential (hashed) has spent its tokens.

    Keyed by what is presented, before it is checked, so unknown keys cannot flood the
    tenant registry either; the limiter's memory is bounded."""
    header = request.headers.get("Authorization", "")
    key = hashlib.sha256(header.encode("utf-8", "surrogateescape")).hexdigest()
    wait = request.app[LIMITER].check(key)
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            "too many requests for this key",
            {"retry_after_s": round(wait, 3)},
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


REQUEST_ID = web.RequestKey("request_id", str)


def request_id(request: web.Request) -> str:
    """The client's ``X-Request-ID`` when it is a valid id, else a new one; it becomes the
    ``correlation_id`` of the commands this request sends, so their events can be traced."""
    if REQUEST_ID not in request:
        given = request.headers.get("X-Request-ID", "")
        request[REQUEST_ID] = given if is_valid_id(given) else new_id()
    return request[REQUEST_ID]


async def echo_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: every answer (streams too) names its request id."""
    response.headers["X-Request-ID"] = request_id(request)
