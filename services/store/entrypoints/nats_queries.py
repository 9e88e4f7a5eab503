"""Decodes query requests into typed queries and hands them to the handlers."""

from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.queries import Query
from contracts.subjects import query_subject
from runtime.rpc import serve_decoded
from services.store.service_layer.queries import QueryHandlers


async def serve_queries(nc: Client, handlers: QueryHandlers) -> Subscription:
    return await serve_decoded(
        nc, query_subject("store"), Query, handlers.handle, queue="store", malformed="bad_query"
    )
