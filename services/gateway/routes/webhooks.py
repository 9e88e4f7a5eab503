"""Webhook handlers: registration CRUD, the delivery log, dead letters and redelivery.
The webhooks service stores everything; these only decode, ask and answer. They are served
(and authenticated as a tenant) through the declared operations of routes/webhook_ops.py."""

from typing import Annotated

import msgspec
from aiohttp import web

from contracts.webhooks import (
    CreateWebhook,
    DeleteWebhook,
    DeliveryList,
    DeliveryStatus,
    DeliveryView,
    GetWebhook,
    ListDeliveries,
    ListWebhooks,
    RedeliverDelivery,
    UpdateWebhook,
    WebhookCreated,
    WebhookDeleted,
    WebhookList,
    WebhookView,
)
from services.gateway.bodies.requests import Page, Params, read_body, read_params
from services.gateway.http.auth import tenant_of
from services.gateway.http.keys import BACKENDS
from services.gateway.http.paths import path_id
from services.gateway.routes.webhook_checks import require_own_session

__all__ = [
    "DeadLetterParams",
    "DeliveryParams",
    "NewWebhook",
    "WebhookChanges",
    "create_webhook",
    "delete_webhook",
    "get_webhook",
    "list_dead_letters",
    "list_deliveries",
    "list_webhooks",
    "redeliver",
    "update_webhook",
]

Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
Filters = Annotated[list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=50)]
Secret = Annotated[str, msgspec.Meta(max_length=256)]
SessionId = Annotated[str, msgspec.Meta(max_length=64)]
LogLimit = Annotated[int, msgspec.Meta(ge=1, le=500)]

_encoder = msgspec.json.Encoder()


class NewWebhook(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Url
    events: Filters
    session_id: SessionId | None = None
    secret: Secret | None = None


class WebhookChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Url | msgspec.UnsetType = msgspec.UNSET
    events: Filters | msgspec.UnsetType = msgspec.UNSET
    session_id: SessionId | msgspec.UnsetType | None = msgspec.UNSET
    secret: Secret | msgspec.UnsetType = msgspec.UNSET


class DeadLetterParams(Params, frozen=True, kw_only=True):
    """The query string of the dead letters: how many."""

    limit: LogLimit = 100


class DeliveryParams(DeadLetterParams, frozen=True, kw_only=True):
    """The query string of the delivery log: how many, and of which status."""

    status: DeliveryStatus | None = None


def _json(value: object, status: int = 200) -> web.Response:
    return web.Response(body=_encoder.encode(value), status=status, content_type="application/json")


async def create_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    body = await read_body(request, NewWebhook)
    await require_own_session(request, tenant, body.session_id)
    created = CreateWebhook(tenant=tenant, **msgspec.structs.asdict(body))
    reply = await request.app[BACKENDS].webhook(created, WebhookCreated)
    return _json({**msgspec.to_builtins(reply.webhook), "secret": reply.secret}, status=201)


async def list_webhooks(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    page = read_params(request, Page)
    query = ListWebhooks(tenant=tenant, cursor=page.cursor, limit=page.limit)
    reply = await request.app[BACKENDS].webhook(query, WebhookList)
    return _json({"items": reply.items, "next_cursor": reply.next_cursor})


async def get_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = path_id(request, "webhook_id", "webhook")
    query = GetWebhook(tenant=tenant, webhook=webhook)
    return _json(await request.app[BACKENDS].webhook(query, WebhookView))


async def update_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = path_id(request, "webhook_id", "webhook")
    body = await read_body(request, WebhookChanges)
    if isinstance(body.session_id, str):
        await require_own_session(request, tenant, body.session_id)
    changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
    update = UpdateWebhook(tenant=tenant, webhook=webhook, **changes)
    return _json(await request.app[BACKENDS].webhook(update, WebhookView))


async def delete_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = path_id(request, "webhook_id", "webhook")
    await request.app[BACKENDS].webhook(
        DeleteWebhook(tenant=tenant, webhook=webhook), WebhookDeleted
    )
    return web.Response(status=204)


async def _delivery_log(
    request: web.Request, status: DeliveryStatus | None, limit: int
) -> web.Response:
    tenant = tenant_of(request)
    webhook = path_id(request, "webhook_id", "webhook")
    query = ListDeliveries(tenant=tenant, webhook=webhook, status=status, limit=limit)
    reply = await request.app[BACKENDS].webhook(query, DeliveryList)
    return _json({"items": reply.items})


async def list_deliveries(request: web.Request) -> web.Response:
    params = read_params(request, DeliveryParams)
    return await _delivery_log(request, params.status, params.limit)


async def list_dead_letters(request: web.Request) -> web.Response:
    return await _delivery_log(request, "dead", read_params(request, DeadLetterParams).limit)


async def redeliver(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = path_id(request, "webhook_id", "webhook")
    delivery = path_id(request, "delivery_id", "delivery")
    again = RedeliverDelivery(tenant=tenant, webhook=webhook, delivery=delivery)
    return _json(await request.app[BACKENDS].webhook(again, DeliveryView), status=202)
