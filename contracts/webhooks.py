"""Requests the webhooks service answers (on ``wa.webhooks``), and its replies.

A webhook is registered per tenant: a URL, event filters (``*``, ``message.*`` or an exact
type such as ``session.connected``), an optional session, and a secret used to sign every
delivery. The secret is returned once, by ``WebhookCreated``; no other reply carries it.

Refusals are ``contracts.commands.Refused`` with ``not_found`` (unknown id, or another
tenant's), ``validation_failed`` (``details["field"]`` names the field; for a URL,
``details["reason"]`` says what is wrong with it), ``quota_exceeded`` (the tenant has
``details["limit"]`` webhooks already), ``conflict`` (a redelivery of a delivery that is not
dead-lettered) or ``bad_request``.
"""

from datetime import datetime
from typing import Literal

from msgspec import UNSET, Struct, UnsetType, field

from contracts.commands import Refused

__all__ = [
    "AttemptView",
    "CreateWebhook",
    "DeleteWebhook",
    "DeliveryCounts",
    "DeliveryList",
    "DeliveryStatus",
    "DeliveryView",
    "GetDeliveryCounts",
    "GetWebhook",
    "ListDeliveries",
    "ListWebhooks",
    "MediaLink",
    "RedeliverDelivery",
    "UpdateWebhook",
    "WebhookCreated",
    "WebhookDeleted",
    "WebhookList",
    "WebhookReply",
    "WebhookRequest",
    "WebhookView",
]

DeliveryStatus = Literal["pending", "delivered", "dead"]


class MediaLink(Struct, frozen=True, kw_only=True):
    """Added beside the envelope's fields in the body of a webhook delivery of
    ``message.received`` with a file and of ``message.media_stored`` (never in the log): a
    signed link to the received file that needs no API key, made afresh at each attempt.
    403 ``link_invalid`` when altered, 410 ``link_expired`` after ``media_url_expires_at``."""

    media_url: str
    media_url_expires_at: datetime


class CreateWebhook(Struct, frozen=True, kw_only=True, tag="create_webhook"):
    tenant: str
    url: str
    events: list[str]
    session_id: str | None = None
    secret: str | None = None  # None: the service generates one


class UpdateWebhook(Struct, frozen=True, kw_only=True, tag="update_webhook"):
    """Fields left UNSET are kept; ``session_id=None`` removes the session filter."""

    tenant: str
    webhook: str
    url: str | UnsetType = UNSET
    events: list[str] | UnsetType = UNSET
    session_id: str | UnsetType | None = UNSET
    secret: str | UnsetType = UNSET


class DeleteWebhook(Struct, frozen=True, kw_only=True, tag="delete_webhook"):
    tenant: str
    webhook: str


class GetWebhook(Struct, frozen=True, kw_only=True, tag="get_webhook"):
    tenant: str
    webhook: str


class ListWebhooks(Struct, frozen=True, kw_only=True, tag="list_webhooks"):
    """A page of the tenant's webhooks, oldest first; pass ``next_cursor`` for the next."""

    tenant: str
    cursor: str | None = None
    limit: int = 50


class ListDeliveries(Struct, frozen=True, kw_only=True, tag="list_deliveries"):
    """The delivery log of one webhook, newest first; ``status`` narrows it (``dead``)."""

    tenant: str
    webhook: str
    status: DeliveryStatus | None = None
    limit: int = 100


class RedeliverDelivery(Struct, frozen=True, kw_only=True, tag="redeliver"):
    """Put a dead-lettered delivery back in its lane with a fresh retry budget."""

    tenant: str
    webhook: str
    delivery: str


class GetDeliveryCounts(Struct, frozen=True, kw_only=True, tag="get_delivery_counts"):
    """How many deliveries are in the log by status, of every tenant (for operators' metrics:
    the gateway asks, never a tenant); delivered ones stay until the log's retention."""


WebhookRequest = (
    CreateWebhook
    | UpdateWebhook
    | DeleteWebhook
    | GetWebhook
    | ListWebhooks
    | ListDeliveries
    | RedeliverDelivery
    | GetDeliveryCounts
)


class WebhookView(Struct, frozen=True, kw_only=True, tag="webhook"):
    id: str
    url: str
    events: list[str]
    session_id: str | None = None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(Struct, frozen=True, kw_only=True, tag="webhook_created"):
    """The only reply that carries the secret."""

    webhook: WebhookView
    secret: str


class WebhookList(Struct, frozen=True, kw_only=True, tag="webhook_list"):
    items: list[WebhookView]
    next_cursor: str | None = None  # None: the last page


class WebhookDeleted(Struct, frozen=True, kw_only=True, tag="webhook_deleted"):
    id: str


class AttemptView(Struct, frozen=True, kw_only=True):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None


class DeliveryView(Struct, frozen=True, kw_only=True, tag="delivery"):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    session: str
    sequence: int
    status: DeliveryStatus
    attempts: list[AttemptView] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    created_at: datetime
    delivered_at: datetime | None = None


class DeliveryList(Struct, frozen=True, kw_only=True, tag="delivery_list"):
    items: list[DeliveryView]


class DeliveryCounts(Struct, frozen=True, kw_only=True, tag="delivery_counts"):
    by_status: dict[str, int] = field(default_factory=dict)  # "pending", "delivered", "dead"


WebhookReply = (
    WebhookCreated
    | WebhookView
    | WebhookList
    | WebhookDeleted
    | DeliveryView
    | DeliveryList
    | DeliveryCounts
    | Refused
)
