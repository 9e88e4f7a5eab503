"""Answers the webhook requests: registration CRUD, the delivery log, redelivery."""

import secrets
import time
from collections.abc import Callable
from typing import Any

from msgspec import UNSET

from contracts.commands import Refused
from contracts.ids import new_id
from contracts.webhooks import (
    CreateWebhook,
    DeleteWebhook,
    DeliveryCounts,
    DeliveryList,
    GetDeliveryCounts,
    GetWebhook,
    ListDeliveries,
    ListWebhooks,
    RedeliverDelivery,
    UpdateWebhook,
    WebhookCreated,
    WebhookDeleted,
    WebhookReply,
    WebhookRequest,
)
from runtime.logging import get_logger
from services.webhooks.adapters.deliveries import SqlDeliveries
from services.webhooks.adapters.registrations import SqlRegistrations
from services.webhooks.domain.model import Webhook
from services.webhooks.domain.validation import (
    InvalidWebhook,
    check_filters,
    check_secret,
    check_session,
    check_url,
)
from services.webhooks.service_layer.listing import list_page, view

log = get_logger(__name__)

NOT_FOUND = Refused(code="not_found", message="no such webhook")
MAX_LOG_PAGE = 500


def over_quota(limit: int) -> Refused:
    return Refused(
        code="quota_exceeded",
        message=f"the tenant has {limit} webhooks, the most it may have; delete one first",
        details={"limit": limit, "resource": "webhooks"},
    )


class WebhookRegistry:
    """One handler per request; every request is scoped by its tenant."""

    def __init__(
        self,
        registrations: SqlRegistrations,
        deliveries: SqlDeliveries,
        *,
        on_requeued: Callable[[], None],
        allow_private: bool = False,
        max_per_tenant: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._registrations = registrations
        self._deliveries = deliveries
        self._on_requeued = on_requeued
        self._allow_private = allow_private
        self._max_per_tenant = max_per_tenant
        self._clock = clock

    async def handle(self, request: WebhookRequest) -> WebhookReply:
        try:
            return await self._handle(request)
        except InvalidWebhook as exc:
            details = {"field": exc.field}
            if exc.reason is not None:
                details["reason"] = exc.reason
            return Refused(code="validation_failed", message=exc.message, details=details)

    async def _handle(self, request: WebhookRequest) -> WebhookReply:
        match request:
            case CreateWebhook():
                return await self._create(request)
            case UpdateWebhook():
                return await self._update(request)
            case DeleteWebhook(tenant=tenant, webhook=webhook_id):
                if not await self._registrations.delete(tenant, webhook_id):
                    return NOT_FOUND
                log.info("webhooks.deleted", tenant=tenant, webhook=webhook_id)
                return WebhookDeleted(id=webhook_id)
            case GetWebhook(tenant=tenant, webhook=webhook_id):
                hook = await self._registrations.get(tenant, webhook_id)
                return NOT_FOUND if hook is None else view(hook)
            case ListWebhooks():
                return await list_page(self._registrations, request)
            case ListDeliveries():
                return await self._log(request)
            case RedeliverDelivery():
                return await self._redeliver(request)
            case GetDeliveryCounts():
                return DeliveryCounts(by_status=await self._deliveries.counts())

    async def _create(self, cmd: CreateWebhook) -> WebhookReply:
        now = int(self._clock() * 1000)
        secret = cmd.secret if cmd.secret is not None else "whsec_" + secrets.token_urlsafe(32)
        hook = Webhook(
            id=new_id(),
            tenant=cmd.tenant,
            url=check_url(cmd.url, allow_private=self._allow_private),
            events=check_filters(cmd.events),
            session_id=check_session(cmd.session_id),
            secret=check_secret(secret),
            created_ms=now,
            updated_ms=now,
        )
        if not await self._registrations.add(hook, limit=self._max_per_tenant):
            return over_quota(self._max_per_tenant)
        log.info("webhooks.registered", tenant=hook.tenant, webhook=hook.id, events=hook.events)
        return WebhookCreated(webhook=view(hook), secret=secret)

    async def _update(self, cmd: UpdateWebhook) -> WebhookReply:
        changes: dict[str, Any] = {}
        if cmd.url is not UNSET:
            changes["url"] = check_url(cmd.url, allow_private=self._allow_private)
        if cmd.events is not UNSET:
            changes["events"] = check_filters(cmd.events)
        if cmd.session_id is not UNSET:
            changes["session_id"] = check_session(cmd.session_id)
        if cmd.secret is not UNSET:
            changes["secret"] = check_secret(cmd.secret)
        changes["updated_ms"] = int(self._clock() * 1000)
        if not await self._registrations.update(cmd.tenant, cmd.webhook, changes):
            return NOT_FOUND
        hook = await self._registrations.get(cmd.tenant, cmd.webhook)
        if hook is None:
            return NOT_FOUND
        log.info("webhooks.updated", tenant=cmd.tenant, webhook=cmd.webhook, fields=list(changes))
        return view(hook)

    async def _log(self, q: ListDeliveries) -> WebhookReply:
        if await self._registrations.get(q.tenant, q.webhook) is None:
            return NOT_FOUND
        limit = max(1, min(q.limit, MAX_LOG_PAGE))
        items = await self._deliveries.log(q.tenant, q.webhook, status=q.status, limit=limit)
        return DeliveryList(items=items)

    async def _redeliver(self, cmd: RedeliverDelivery) -> WebhookReply:
        if await self._registrations.get(cmd.tenant, cmd.webhook) is None:
            return NOT_FOUND
        now = int(self._clock() * 1000)
        if not await self._deliveries.requeue_dead(cmd.tenant, cmd.webhook, cmd.delivery, now):
            found = await self._deliveries.log(cmd.tenant, cmd.webhook, delivery_id=cmd.delivery)
            if not found:
                return Refused(code="not_found", message="no such delivery")
            return Refused(
                code="conflict",
                message=f"the delivery is {found[0].status}; only a dead-lettered one can be",
            )
        self._on_requeued()
        requeued = await self._deliveries.log(cmd.tenant, cmd.webhook, delivery_id=cmd.delivery)
        log.info(
            "webhooks.redelivery_queued",
            tenant=cmd.tenant,
            session=requeued[0].session,
            webhook=cmd.webhook,
            delivery=cmd.delivery,
        )
        return requeued[0]
