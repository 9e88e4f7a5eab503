"""Serves the console's static files (package data: HTML, ES modules, CSS) with a strict content
policy. Only the files found under ``static/`` when first asked are served, by their exact
relative path: a request names an entry of that table, never a path on disk."""

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from aiohttp import web

__all__ = ["routes"]

routes = web.RouteTableDef()

TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}

# Only our own files; the QR and media arrive as blob: URLs; no inline script, no framing.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
        "media-src 'self' blob:; connect-src 'self'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _walk(folder: Traversable, prefix: str) -> dict[str, tuple[bytes, str]]:
    found: dict[str, tuple[bytes, str]] = {}
    for entry in folder.iterdir():
        name = prefix + entry.name
        if entry.is_dir():
            found |= _walk(entry, name + "/")
        elif (kind := TYPES.get("." + entry.name.rpartition(".")[2])) is not None:
            found[name] = (entry.read_bytes(), kind)
    return found


@cache
def assets() -> dict[str, tuple[bytes, str]]:
    """Relative path → (bytes, content type) of every servable file under ``static/``."""
    return _walk(resources.files(__package__).joinpath("static"), "")


def _serve(name: str) -> web.Response:
    body, kind = assets()[name]
    return web.Response(body=body, content_type=kind, charset="utf-8", headers=HEADERS)


@routes.get("/")
async def index(_: web.Request) -> web.Response:
    return _serve("index.html")


@routes.get("/console/{name:.+}")
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in assets() or name == "index.html":
        raise web.HTTPNotFound()
    return _serve(name)
