"""Webhook handlers: registration CRUD, the delivery log, dead letters and redelivery.
The webhooks service stores everything; these only decode, ask and answer. They are served
(and authenticated as a tenant) through the declared operations of routes/webhook_ops.py."""

from typing import Annotated

import msgspec
from aiohttp import web

from contracts.commands import Refused
from contracts.ids import is_valid_id
from contracts.subjects import webhooks_subject
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
    WebhookReply,
    WebhookRequest,
    WebhookView,
)
from runtime.rpc import request as rpc_request
from services.gateway.auth import tenant_of
from services.gateway.bodies import Page, read_body, read_params
from services.gateway.errors import ApiError
from services.gateway.keys import BACKENDS
from services.gateway.routes.webhook_checks import require_own_session

Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
Filters = Annotated[list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=50)]
Secret = Annotated[str, msgspec.Meta(max_length=256)]
SessionId = Annotated[str, msgspec.Meta(max_length=64)]
STATUSES: frozenset[str] = frozenset({"pending", "delivered", "dead"})

_encoder = msgspec.json.Encoder()
_reply: msgspec.json.Decoder[WebhookReply] = msgspec.json.Decoder(WebhookReply)


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


async def _ask(request: web.Request, question: WebhookRequest) -> WebhookReply:
    backends = request.app[BACKENDS]
    data = await rpc_request(
        backends.nc, webhooks_subject(), _encoder.encode(question), timeout=backends.timeout
    )
    reply = _reply.decode(data)
    if isinstance(reply, Refused):
        raise ApiError.from_refusal(reply)
    return reply


def _json(value: object, status: int = 200) -> web.Response:
    return web.Response(body=_encoder.encode(value), status=status, content_type="application/json")


def _unexpected(reply: WebhookReply) -> ApiError:
    return ApiError(503, "backend_unavailable", f"unexpected reply: {type(reply).__name__}")


def _path_id(request: web.Request, name: str, what: str) -> str:
    value = request.match_info[name]
    if not is_valid_id(value):
        raise ApiError(404, "not_found", f"no such {what}")
    return value


async def create_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    body = await read_body(request, NewWebhook)
    await require_own_session(request, tenant, body.session_id)
    reply = await _ask(request, CreateWebhook(tenant=tenant, **msgspec.structs.asdict(body)))
    if not isinstance(reply, WebhookCreated):
        raise _unexpected(reply)
    return _json({**msgspec.to_builtins(reply.webhook), "secret": reply.secret}, status=201)


async def list_webhooks(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    page = read_params(request, Page)
    query = ListWebhooks(tenant=tenant, cursor=page.cursor, limit=page.limit)
    reply = await _ask(request, query)
    if not isinstance(reply, WebhookList):
        raise _unexpected(reply)
    return _json({"items": reply.items, "next_cursor": reply.next_cursor})


async def get_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = _path_id(request, "webhook_id", "webhook")
    reply = await _ask(request, GetWebhook(tenant=tenant, webhook=webhook))
    if not isinstance(reply, WebhookView):
        raise _unexpected(reply)
    return _json(reply)


async def update_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = _path_id(request, "webhook_id", "webhook")
    body = await read_body(request, WebhookChanges)
    if isinstance(body.session_id, str):
        await require_own_session(request, tenant, body.session_id)
    changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
    reply = await _ask(request, UpdateWebhook(tenant=tenant, webhook=webhook, **changes))
    if not isinstance(reply, WebhookView):
        raise _unexpected(reply)
    return _json(reply)


async def delete_webhook(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = _path_id(request, "webhook_id", "webhook")
    reply = await _ask(request, DeleteWebhook(tenant=tenant, webhook=webhook))
    if not isinstance(reply, WebhookDeleted):
        raise _unexpected(reply)
    return web.Response(status=204)


def _status_and_limit(
    request: web.Request, status: DeliveryStatus | None
) -> tuple[DeliveryStatus | None, int]:
    wanted = request.query.get("status", status)
    if wanted is not None and wanted not in STATUSES:
        raise ApiError(422, "validation_failed", f"status must be one of {sorted(STATUSES)}")
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 500:
        raise ApiError(422, "validation_failed", "limit must be a whole number from 1 to 500")
    return msgspec.convert(wanted, DeliveryStatus | None), limit


async def _delivery_log(request: web.Request, status: DeliveryStatus | None) -> web.Response:
    tenant = tenant_of(request)
    webhook = _path_id(request, "webhook_id", "webhook")
    wanted, limit = _status_and_limit(request, status)
    query = ListDeliveries(tenant=tenant, webhook=webhook, status=wanted, limit=limit)
    reply = await _ask(request, query)
    if not isinstance(reply, DeliveryList):
        raise _unexpected(reply)
    return _json({"items": reply.items})


async def list_deliveries(request: web.Request) -> web.Response:
    return await _delivery_log(request, None)


async def list_dead_letters(request: web.Request) -> web.Response:
    return await _delivery_log(request, "dead")


async def redeliver(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    webhook = _path_id(request, "webhook_id", "webhook")
    delivery = _path_id(request, "delivery_id", "delivery")
    reply = await _ask(
        request, RedeliverDelivery(tenant=tenant, webhook=webhook, delivery=delivery)
    )
    if not isinstance(reply, DeliveryView):
        raise _unexpected(reply)
    return _json(reply, status=202)
