"""Admin endpoints: tenants and their keys (the admin token manages tenants only)."""

from aiohttp import web

from contracts.ids import is_valid_id
from services.gateway.adapters.tenants import RotationConflict, Tenant
from services.gateway.bodies.requests import NewTenant, read_body
from services.gateway.bodies.responses import TenantKey, TenantPage, TenantView, json_response
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import TENANTS
from services.gateway.http.operations import Operations

ops = Operations("tenants")


def _view(tenant: Tenant) -> TenantView:
    return TenantView(id=tenant.id, name=tenant.name, created_at=tenant.created_at)


@ops(
    "POST", "/v1/tenants", summary="Create a tenant; its API key is shown once",
    auth="admin", body=NewTenant, status=201, returns=TenantKey, idempotent=True,
)  # fmt: skip
async def create_tenant(request: web.Request) -> web.Response:
    body = await read_body(request, NewTenant)
    tenant, key = await request.app[TENANTS].create(body.name)
    return json_response(TenantKey(id=tenant.id, name=tenant.name, api_key=key), status=201)


@ops("GET", "/v1/tenants", summary="List tenants", auth="admin", returns=TenantPage)
async def list_tenants(request: web.Request) -> web.Response:
    tenants = await request.app[TENANTS].all()
    return json_response(TenantPage(items=[_view(t) for t in tenants]))


@ops(
    "POST", "/v1/tenants/{tenant_id}/keys",
    summary="Rotate a tenant's API key: a new key, and the old one stops working at once",
    auth="admin", status=201, returns=TenantKey, errors=(409,), idempotent=True,
)  # fmt: skip
async def rotate_key(request: web.Request) -> web.Response:
    tenant_id = request.match_info["tenant_id"]
    if not is_valid_id(tenant_id):
        raise ApiError(404, "not_found", "no such tenant")
    try:
        rotated = await request.app[TENANTS].rotate(tenant_id)
    except RotationConflict as exc:
        raise ApiError(409, "conflict", "the key was rotated concurrently; try again") from exc
    if rotated is None:
        raise ApiError(404, "not_found", "no such tenant")
    tenant, key = rotated
    return json_response(TenantKey(id=tenant.id, name=tenant.name, api_key=key), status=201)
