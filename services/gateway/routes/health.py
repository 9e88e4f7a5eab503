"""Liveness (the process is up) and readiness (NATS and every service answer)."""

import asyncio
from typing import Literal

from aiohttp import web

from runtime import rpc
from services.gateway.bodies.responses import Health, Readiness, json_response
from services.gateway.http.keys import BACKENDS
from services.gateway.http.operations import Operations

ops = Operations("operations")

SERVICES = ("session", "store", "reminder", "webhooks")


@ops("GET", "/healthz", summary="The process is up", auth="none", returns=Health)
async def healthz(_: web.Request) -> web.Response:
    return json_response(Health(status="ok"))


@ops(
    "GET", "/readyz", summary="NATS and every service answer", auth="none",
    returns=Readiness, other={503: Readiness},
)  # fmt: skip
async def readyz(request: web.Request) -> web.Response:
    nc = request.app[BACKENDS].nc

    async def probe(service: str) -> bool:
        try:
            await rpc.request(nc, rpc.ping_subject(service), b"", timeout=1.0)
        except rpc.BackendUnavailable:
            return False
        return True

    results = await asyncio.gather(*(probe(name) for name in SERVICES))
    ready = nc.is_connected and all(results)
    checks: dict[str, Literal["ok", "down"]] = {"nats": "ok" if nc.is_connected else "down"}
    checks |= {name: "ok" if ok else "down" for name, ok in zip(SERVICES, results, strict=True)}
    return json_response(Readiness(ready=ready, checks=checks), status=200 if ready else 503)
