"""Decodes webhook requests from NATS into typed contracts and hands them to the registry."""

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.commands import Refused
from contracts.subjects import webhooks_subject
from contracts.webhooks import WebhookReply, WebhookRequest
from runtime.rpc import serve
from services.webhooks.service_layer.registry import WebhookRegistry

_decoder = msgspec.json.Decoder(WebhookRequest)
_encoder = msgspec.json.Encoder()


async def serve_requests(nc: Client, registry: WebhookRegistry) -> Subscription:
    async def on_request(data: bytes) -> bytes:
        reply: WebhookReply
        try:
            request = _decoder.decode(data)
        except msgspec.DecodeError as exc:
            reply = Refused(code="bad_request", message=str(exc))
        else:
            reply = await registry.handle(request)
        return _encoder.encode(reply)

    return await serve(nc, webhooks_subject(), on_request, queue="webhooks")
