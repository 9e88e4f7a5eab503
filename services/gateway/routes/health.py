"""Liveness (the process is up) and readiness (NATS and every service answer)."""

import asyncio

from aiohttp import web

from runtime import rpc
from services.gateway.keys import BACKENDS

routes = web.RouteTableDef()

SERVICES = ("session", "store", "reminder", "webhooks")


@routes.get("/healthz")
async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    nc = request.app[BACKENDS].nc

    async def probe(service: str) -> bool:
        try:
            await rpc.request(nc, rpc.ping_subject(service), b"", timeout=1.0)
        except rpc.BackendUnavailable:
            return False
        return True

    results = await asyncio.gather(*(probe(name) for name in SERVICES))
    checks = {"nats": "ok" if nc.is_connected else "down"}
    checks |= {name: "ok" if ok else "down" for name, ok in zip(SERVICES, results, strict=True)}
    ready = all(value == "ok" for value in checks.values())
    return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)
