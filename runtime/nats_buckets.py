"""A KV bucket or an object store opened, or created when missing, once JetStream is ready.

Every replica of a service opens its buckets at start-up, often at the same moment: a second
create with the same settings succeeds (the server answers it as the first), and one that
finds the bucket made meanwhile with other settings uses it as it is, like an open would.
No settings are changed here. Both calls need ``STREAM.INFO`` and ``STREAM.CREATE`` on the
bucket's stream (runtime/nats_auth/permissions.py)."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, ObjectStoreConfig
from nats.js.errors import APIError, BucketNotFoundError
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore

from runtime.jetstream_ready import when_ready
from runtime.nats_private import rebind

__all__ = ["open_kv", "open_object_store"]

STREAM_NAME_IN_USE = 10058  # "stream name already in use with a different configuration"
B = TypeVar("B")


async def _get_or_create(get: Callable[[], Awaitable[B]], create: Callable[[], Awaitable[B]]) -> B:
    try:
        return await get()
    except BucketNotFoundError:
        pass
    try:
        return await create()
    except APIError as exc:
        if exc.err_code != STREAM_NAME_IN_USE:
            raise
    return await get()  # made meanwhile by another replica, with other settings


async def open_kv(js: JetStreamContext, config: KeyValueConfig) -> KeyValue:
    """The bucket ``config.bucket``; created with ``config`` if it does not exist."""

    async def attempt(probe: JetStreamContext) -> KeyValue:
        kv = await _get_or_create(
            lambda: probe.key_value(config.bucket), lambda: probe.create_key_value(config)
        )
        rebind(kv, js)  # its requests use the caller's timeout, not the probe's
        return kv

    return await when_ready(js, attempt, waiting_for=f"kv {config.bucket}")


async def open_object_store(
    js: JetStreamContext, name: str, config: ObjectStoreConfig
) -> ObjectStore:
    """The object store ``name``; created with ``config`` if it does not exist."""

    async def attempt(probe: JetStreamContext) -> ObjectStore:
        store = await _get_or_create(
            lambda: probe.object_store(name),
            lambda: probe.create_object_store(name, config=config),
        )
        rebind(store, js)
        return store

    return await when_ready(js, attempt, waiting_for=f"object store {name}")
