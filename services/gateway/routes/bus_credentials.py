"""Tenant-scoped NATS credentials for other teams' subscribers: issue, list, revoke.

A tenant manages its own (``/v1/bus-credentials``); the admin can do the same for any tenant
(``/v1/tenants/{tenant_id}/bus-credentials``). The password is shown once, at issue."""

from datetime import datetime

import msgspec
from aiohttp import web

from contracts.bus import BusCredential
from contracts.ids import is_valid_id
from contracts.subjects import EVENTS_STREAM, tenant_filter
from runtime.nats_auth.permissions import inbox_prefix
from services.gateway.bodies.requests import Body, Name, read_body
from services.gateway.bodies.responses import Out, json_response
from services.gateway.http.auth import tenant_of
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BUS_CREDENTIALS, SETTINGS, TENANTS
from services.gateway.http.operations import Operations

ops = Operations("bus credentials")


class NewBusCredential(Body, frozen=True, kw_only=True):
    name: Name  # who it is for, e.g. "crm team"


class BusCredentialView(Out, frozen=True, kw_only=True):
    id: str
    name: str
    user: str
    stream: str
    consumer: str  # the one consumer this user may create and read, on ``stream``
    filter_subject: str  # what that consumer may carry: the tenant's events, or fewer
    inbox_prefix: str  # the client's ``inbox_prefix``: replies arrive only there
    created_at: datetime


class BusCredentialIssued(BusCredentialView, frozen=True, kw_only=True):
    """Shown once: the password is kept only as a hash."""

    password: str


class BusCredentialPage(Out, frozen=True, kw_only=True):
    items: list[BusCredentialView]


def _view(credential: BusCredential) -> BusCredentialView:
    return BusCredentialView(
        id=credential.id,
        name=credential.name,
        user=credential.user,
        stream=EVENTS_STREAM,
        consumer=credential.user,
        filter_subject=tenant_filter(credential.tenant),
        inbox_prefix=inbox_prefix(credential.user),
        created_at=credential.created_at,
    )


async def _admin_tenant(request: web.Request) -> str:
    tenant = request.match_info["tenant_id"]
    if not is_valid_id(tenant) or await request.app[TENANTS].get(tenant) is None:
        raise ApiError(404, "not_found", "no such tenant")
    return tenant


async def _issue(request: web.Request, tenant: str) -> web.Response:
    body = await read_body(request, NewBusCredential)
    registry = request.app[BUS_CREDENTIALS]
    limit = request.app[SETTINGS].bus_credentials_per_tenant
    if len(await registry.of_tenant(tenant)) >= limit:
        raise ApiError(
            422, "quota_exceeded", "this tenant has as many bus credentials as it may have",
            {"limit": limit},
        )  # fmt: skip
    credential, password = await registry.issue(tenant, body.name)
    issued = BusCredentialIssued(**msgspec.structs.asdict(_view(credential)), password=password)
    return json_response(issued, status=201)


async def _list(request: web.Request, tenant: str) -> web.Response:
    found = await request.app[BUS_CREDENTIALS].of_tenant(tenant)
    return json_response(BusCredentialPage(items=[_view(c) for c in found]))


async def _revoke(request: web.Request, tenant: str) -> web.Response:
    credential_id = request.match_info["credential_id"]
    if not is_valid_id(credential_id):
        raise ApiError(404, "not_found", "no such bus credential")
    if not await request.app[BUS_CREDENTIALS].revoke(tenant, credential_id):
        raise ApiError(404, "not_found", "no such bus credential")
    return web.Response(status=204)


_ISSUE = (
    "Issue NATS credentials that can read only this tenant's events; the password is shown once"
)
_REVOKE = "Revoke NATS credentials: their connections are closed at once, their consumer deleted"


@ops(
    "POST", "/v1/bus-credentials", summary=_ISSUE, body=NewBusCredential, status=201,
    returns=BusCredentialIssued, idempotent=True,
)  # fmt: skip
async def issue_credential(request: web.Request) -> web.Response:
    return await _issue(request, tenant_of(request))


@ops(
    "GET",
    "/v1/bus-credentials",
    summary="List the tenant's NATS credentials",
    returns=BusCredentialPage,
)
async def list_credentials(request: web.Request) -> web.Response:
    return await _list(request, tenant_of(request))


@ops("DELETE", "/v1/bus-credentials/{credential_id}", summary=_REVOKE, status=204)
async def revoke_credential(request: web.Request) -> web.Response:
    return await _revoke(request, tenant_of(request))


@ops(
    "POST", "/v1/tenants/{tenant_id}/bus-credentials", summary=_ISSUE, auth="admin",
    body=NewBusCredential, status=201, returns=BusCredentialIssued, idempotent=True,
)  # fmt: skip
async def issue_for_tenant(request: web.Request) -> web.Response:
    return await _issue(request, await _admin_tenant(request))


@ops(
    "GET", "/v1/tenants/{tenant_id}/bus-credentials", summary="List a tenant's NATS credentials",
    auth="admin", returns=BusCredentialPage,
)  # fmt: skip
async def list_for_tenant(request: web.Request) -> web.Response:
    return await _list(request, await _admin_tenant(request))


@ops(
    "DELETE", "/v1/tenants/{tenant_id}/bus-credentials/{credential_id}", summary=_REVOKE,
    auth="admin", status=204,
)  # fmt: skip
async def revoke_for_tenant(request: web.Request) -> web.Response:
    return await _revoke(request, await _admin_tenant(request))
