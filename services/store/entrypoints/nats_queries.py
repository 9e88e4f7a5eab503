"""Decodes query requests into typed queries and hands them to the handlers."""

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.commands import Refused
from contracts.queries import Query, QueryReply
from contracts.subjects import query_subject
from runtime.rpc import serve
from services.store.service_layer.queries import QueryHandlers

_decoder = msgspec.json.Decoder(Query)
_encoder = msgspec.json.Encoder()


async def serve_queries(nc: Client, handlers: QueryHandlers) -> Subscription:
    async def on_request(data: bytes) -> bytes:
        reply: QueryReply
        try:
            query = _decoder.decode(data)
        except msgspec.DecodeError as exc:
            reply = Refused(code="bad_query", message=str(exc))
        else:
            reply = await handlers.handle(query)
        return _encoder.encode(reply)

    return await serve(nc, query_subject("store"), on_request, queue="store")
