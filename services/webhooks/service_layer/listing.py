"""A webhook as a client sees it, and a tenant's webhooks a page at a time, by id (the cursor
is the last id of a page, encoded)."""

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from contracts.ids import is_valid_id
from contracts.webhooks import ListWebhooks, WebhookList, WebhookView
from services.webhooks.domain.model import Webhook
from services.webhooks.domain.validation import InvalidWebhook
from services.webhooks.service_layer.ports import Registrations

__all__ = ["MAX_PAGE", "decode_cursor", "encode_cursor", "list_page", "view"]

MAX_PAGE = 200
_PREFIX = "w:"


def view(hook: Webhook) -> WebhookView:
    def at(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, UTC)

    return WebhookView(
        id=hook.id,
        url=hook.url,
        events=list(hook.events),
        session_id=hook.session_id,
        created_at=at(hook.created_ms),
        updated_at=at(hook.updated_ms),
    )


def encode_cursor(webhook_id: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + webhook_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook("cursor", "not a cursor of this list") from exc
    webhook_id = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not is_valid_id(webhook_id):
        raise InvalidWebhook("cursor", "not a cursor of this list")
    return webhook_id


async def list_page(registrations: Registrations[Any], q: ListWebhooks) -> WebhookList:
    if not 1 <= q.limit <= MAX_PAGE:
        raise InvalidWebhook("limit", f"limit must be a whole number from 1 to {MAX_PAGE}")
    after = None if q.cursor is None else decode_cursor(q.cursor)
    hooks = await registrations.page(q.tenant, after=after, limit=q.limit + 1)
    more = len(hooks) > q.limit
    hooks = hooks[: q.limit]
    cursor = encode_cursor(hooks[-1].id) if more else None
    return WebhookList(items=[view(h) for h in hooks], next_cursor=cursor)
