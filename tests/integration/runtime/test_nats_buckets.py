"""Opening a bucket on a real server: replicas opening it together all get it, one made by
another replica between the check and the create (with other settings) is used as it is, and
what is returned asks with the caller's request timeout, not the probes' shorter one."""

import asyncio
from collections.abc import AsyncIterator

import nats
import pytest
from nats.aio.client import Client
from nats.js.api import KeyValueConfig, ObjectStoreConfig
from nats.js.errors import BucketNotFoundError
from nats.js.kv import KeyValue

from runtime.embedded_nats import EmbeddedNats
from runtime.nats_buckets import _get_or_create, open_kv, open_object_store

REPLICAS = 4  # service replicas starting at the same moment, each on its own connection


@pytest.fixture
async def connections(nats_server: EmbeddedNats) -> AsyncIterator[list[Client]]:
    opened = [await nats.connect(nats_server.url) for _ in range(REPLICAS)]
    yield opened
    for nc in opened:
        await nc.close()


async def test_replicas_opening_a_bucket_together_all_get_it(connections: list[Client]) -> None:
    config = KeyValueConfig(bucket="opened_together", history=1, ttl=30)
    contexts = [nc.jetstream(timeout=7) for nc in connections]
    buckets = await asyncio.gather(*(open_kv(js, config) for js in contexts))
    await buckets[0].put("k", b"v")
    assert [(await kv.get("k")).value for kv in buckets] == [b"v"] * REPLICAS
    assert all(kv._js is js for kv, js in zip(buckets, contexts, strict=True))  # not the probe
    info = await contexts[0].stream_info("KV_opened_together")
    assert (info.config.max_age, info.config.max_msgs_per_subject) == (30, 1)


async def test_replicas_opening_an_object_store_together_all_get_it(
    connections: list[Client],
) -> None:
    contexts = [nc.jetstream() for nc in connections]
    config = ObjectStoreConfig(bucket="files_together", ttl=40)
    stores = await asyncio.gather(
        *(open_object_store(js, "files_together", config) for js in contexts)
    )
    await stores[0].put("a", b"bytes")
    assert [(await store.get("a")).data for store in stores] == [b"bytes"] * REPLICAS
    assert all(store._js is js for store, js in zip(stores, contexts, strict=True))
    assert (await contexts[0].stream_info("OBJ_files_together")).config.max_age == 40


async def test_a_bucket_made_between_the_check_and_the_create_is_used_as_it_is(
    connections: list[Client],
) -> None:
    ours, theirs = connections[0].jetstream(), connections[1].jetstream()
    checks = 0

    async def check() -> KeyValue:
        nonlocal checks
        checks += 1
        try:
            return await ours.key_value("raced")
        except BucketNotFoundError:  # the other replica creates it now, its own way
            await theirs.create_key_value(bucket="raced", history=5)
            raise

    config = KeyValueConfig(bucket="raced", history=1)
    kv = await _get_or_create(check, lambda: ours.create_key_value(config))
    assert checks == 2
    await kv.put("k", b"v")
    assert (await ours.stream_info("KV_raced")).config.max_msgs_per_subject == 5  # theirs
