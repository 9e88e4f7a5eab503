"""Who is calling: the admin token, or a tenant's API key (``Authorization: Bearer …``)."""

import hmac

from aiohttp import web

from services.gateway.adapters.tenants import TenantRegistry
from services.gateway.http.errors import ApiError

__all__ = ["TENANT", "bearer", "require_admin", "require_tenant", "tenant_of"]

TENANT = web.RequestKey("tenant", str)


def bearer(request: web.Request) -> str:
    """The presented token; 400 ``duplicate_header`` for two Authorization headers (proxies
    and servers disagree on which one counts), 401 when it is missing or malformed."""
    headers = request.headers.getall("Authorization", [])
    if len(headers) > 1:
        raise ApiError(400, "duplicate_header", "send one Authorization header, not several")
    scheme, _, token = (headers or [""])[0].partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or not (token.isascii() and token.isprintable()):
        raise ApiError(401, "unauthorized", "missing or malformed Authorization: Bearer <key>")
    return token


def require_admin(request: web.Request, admin_token: str) -> None:
    token = bearer(request)
    if not admin_token or not hmac.compare_digest(token.encode(), admin_token.encode()):
        raise ApiError(401, "unauthorized", "admin token required")


async def require_tenant(request: web.Request, registry: TenantRegistry) -> str:
    tenant = await registry.cached_tenant_of_key(bearer(request))
    if tenant is None:
        raise ApiError(401, "unauthorized", "unknown API key")
    request[TENANT] = tenant
    return tenant


def tenant_of(request: web.Request) -> str:
    """The tenant a guarded operation was authenticated as."""
    return request[TENANT]
