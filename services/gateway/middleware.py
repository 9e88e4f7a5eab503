"""Middlewares: request metrics, and the per-key rate limit (429 with Retry-After)."""

import hashlib
import math
import time

from aiohttp import web

from services.gateway.errors import Handler, error_response
from services.gateway.keys import LIMITER, METRICS

__all__ = ["metrics_middleware", "rate_limit_middleware"]


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


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Keyed by the presented credential (hashed); requests without one are not limited."""
    header = request.headers.get("Authorization")
    if header:
        key = hashlib.sha256(header.encode("utf-8", "surrogateescape")).hexdigest()
        wait = request.app[LIMITER].check(key)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            details = {"retry_after_s": round(wait, 3)}
            response = error_response(429, "rate_limited", "too many requests for the key", details)
            response.headers["Retry-After"] = str(retry_after)
            return response
    return await handler(request)
