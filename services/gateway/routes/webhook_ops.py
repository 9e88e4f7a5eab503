"""The /v1/webhooks handlers (routes/webhooks.py), declared as documented operations so they
are served once, authenticated like every tenant route, and appear in /openapi.json."""

from datetime import datetime
from typing import Literal

from contracts.webhooks import DeliveryView, WebhookView
from services.gateway.bodies.requests import Page
from services.gateway.bodies.responses import Out
from services.gateway.http.operations import Operations
from services.gateway.routes import webhooks

__all__ = ["ONE", "DeliveryPage", "WebhookPage", "WebhookWithSecret", "ops"]

ops = Operations("webhooks")


class WebhookWithSecret(Out, frozen=True, kw_only=True):
    """A new webhook and its signing secret, shown once."""

    type: Literal["webhook"]
    id: str
    url: str
    events: list[str]
    session_id: str | None = None
    created_at: datetime
    updated_at: datetime
    secret: str


class WebhookPage(Out, frozen=True, kw_only=True):
    items: list[WebhookView]
    next_cursor: str | None = None


class DeliveryPage(Out, frozen=True, kw_only=True):
    items: list[DeliveryView]


ONE = "/v1/webhooks/{webhook_id}"

ops("POST", "/v1/webhooks", summary="Register a webhook for the tenant's events",
    body=webhooks.NewWebhook, status=201, errors=(404,),
    returns=WebhookWithSecret, idempotent=True)(webhooks.create_webhook)  # fmt: skip
ops("GET", "/v1/webhooks", summary="List webhooks, oldest first", params=Page,
    returns=WebhookPage)(webhooks.list_webhooks)  # fmt: skip
ops("GET", ONE, summary="Read a webhook", returns=WebhookView)(webhooks.get_webhook)
ops("PATCH", ONE, summary="Change a webhook", body=webhooks.WebhookChanges,
    returns=WebhookView)(webhooks.update_webhook)  # fmt: skip
ops("DELETE", ONE, summary="Delete a webhook", status=204)(webhooks.delete_webhook)
ops("GET", ONE + "/deliveries", summary="The delivery log of a webhook",
    params=webhooks.DeliveryParams, returns=DeliveryPage)(webhooks.list_deliveries)  # fmt: skip
ops("GET", ONE + "/dead-letters", summary="Deliveries that gave up",
    params=webhooks.DeadLetterParams, returns=DeliveryPage)(webhooks.list_dead_letters)  # fmt: skip
ops("POST", ONE + "/dead-letters/{delivery_id}/redeliver", summary="Deliver a dead letter again",
    status=202, returns=DeliveryView)(webhooks.redeliver)  # fmt: skip
