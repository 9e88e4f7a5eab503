"""Decodes webhook requests from NATS into typed contracts and hands them to the registry."""

from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.subjects import webhooks_subject
from contracts.webhooks import WebhookRequest
from runtime.rpc import serve_typed
from services.webhooks.service_layer.registry import WebhookRegistry

__all__ = ["serve_requests"]


async def serve_requests(nc: Client, registry: WebhookRegistry) -> Subscription:
    return await serve_typed(
        nc,
        webhooks_subject(),
        WebhookRequest,
        registry.handle,
        queue="webhooks",
        malformed="bad_request",
    )
