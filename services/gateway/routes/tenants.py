"""Admin endpoints: tenants and their keys."""

from aiohttp import web

from services.gateway.auth import require_admin
from services.gateway.bodies import NewTenant, read_body
from services.gateway.keys import SETTINGS, TENANTS

routes = web.RouteTableDef()


@routes.post("/v1/tenants")
async def create_tenant(request: web.Request) -> web.Response:
    require_admin(request, request.app[SETTINGS].admin_token)
    body = await read_body(request, NewTenant)
    tenant, key = await request.app[TENANTS].create(body.name)
    return web.json_response({"id": tenant.id, "name": tenant.name, "api_key": key}, status=201)
