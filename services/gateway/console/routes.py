"""Serves the pairing console's static files (package data) with a strict content policy."""

from functools import cache
from importlib import resources

from aiohttp import web

routes = web.RouteTableDef()

ASSETS = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
    # the operator panels (plain ES modules)
    "ops/main.js": "text/javascript",
    "ops/api.js": "text/javascript",
    "ops/reminders.js": "text/javascript",
    "ops/appointments.js": "text/javascript",
    "ops/webhooks.js": "text/javascript",
}

# Only our own files; the QR arrives as a blob: URL; no inline script, no framing.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@cache
def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", *name.split("/")).read_bytes()


def _serve(name: str) -> web.Response:
    return web.Response(
        body=_asset(name), content_type=ASSETS[name], charset="utf-8", headers=HEADERS
    )


@routes.get("/")
async def index(_: web.Request) -> web.Response:
    return _serve("index.html")


@routes.get("/console/{name}")
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS or name == "index.html":
        raise web.HTTPNotFound()
    return _serve(name)


@routes.get("/console/ops/{name}")
async def ops_asset(request: web.Request) -> web.Response:
    name = f"ops/{request.match_info['name']}"
    if name not in ASSETS:
        raise web.HTTPNotFound()
    return _serve(name)
