"""The media quota's count, the sweep and the retention on a real nats-server: concurrent
adds never pass the quota, the count survives a reopen, expired uploads leave (fake clock),
recounts fix a count the store contradicts, the bucket's max age drops old files."""

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from contracts.media import received_object, upload_object
from runtime.bus import Bus
from runtime.media.listing import list_objects
from runtime.media.store import MediaStore
from runtime.media.sweeper import sweep
from runtime.media.usage import MediaUsage, QuotaExceeded
from tests.support.waiting import eventually

NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def put(store: MediaStore, name: str, size: int, expires: datetime | None = None) -> None:
    headers = {"Wa-Expires-At": expires.isoformat()} if expires else {}
    await store.put(name, one(os.urandom(size)), headers=headers)


async def test_concurrent_adds_never_pass_the_quota_and_the_count_outlives_a_reopen(
    bus: Bus,
) -> None:
    usage = await MediaUsage.open(bus.js, replicas=1, quota=1000)
    results = await asyncio.gather(
        *(usage.add("acme", 100) for _ in range(15)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert len(refused) == 5 and all(r is None or r in refused for r in results)
    assert (await usage.read("acme"))[0] == 1000
    with pytest.raises(QuotaExceeded) as caught:
        await usage.admit("acme", 1)
    assert (caught.value.quota, caught.value.used, caught.value.size) == (1000, 1000, 1)
    await usage.remove("acme", 300)
    reopened = await MediaUsage.open(bus.js, replicas=1, quota=1000)
    assert (await reopened.read("acme"))[0] == 700
    assert (await reopened.read("other"))[0] == 0  # each tenant has its own
    unlimited = await MediaUsage.open(bus.js, replicas=1, quota=0)
    await unlimited.add("acme", 10**12)


async def test_a_sweep_deletes_expired_uploads_only_and_recounts_each_tenant(bus: Bus) -> None:
    store = await MediaStore.open(bus.js, replicas=1, max_age_s=3600)
    usage = await MediaUsage.open(bus.js, replicas=1, quota=0)
    await put(store, upload_object("acme", "old"), 1000, expires=NOW - timedelta(seconds=1))
    await put(store, upload_object("acme", "new"), 2000, expires=NOW + timedelta(hours=1))
    await put(store, received_object("acme", "s1", "m1"), 300)
    await put(store, received_object("beta", "s2", "m2"), 40)
    await usage.add("acme", 999_999)  # wrong: a crash, or files the retention dropped
    await usage.add("gone", 5)  # a tenant with nothing left
    swept = await sweep(store, usage, NOW)
    assert swept.expired == [upload_object("acme", "old")]
    assert sorted(swept.recounted) == ["acme", "beta", "gone"]
    assert await store.info(upload_object("acme", "old")) is None
    assert await store.deleted(upload_object("acme", "old"))
    assert await store.info(upload_object("acme", "new")) is not None
    assert [(await usage.read(t))[0] for t in ("acme", "beta", "gone")] == [2300, 40, 0]
    assert (await sweep(store, usage, NOW)).expired == []  # nothing twice


async def test_a_recount_leaves_a_count_that_changed_after_it_looked(bus: Bus) -> None:
    usage = await MediaUsage.open(bus.js, replicas=1, quota=0)
    await usage.add("acme", 10)
    seen = await usage.snapshot()
    await usage.add("acme", 5)  # an upload counted while the listing was read
    assert await usage.recount({"acme": 0}, seen) == []
    assert (await usage.read("acme"))[0] == 15


async def test_the_retention_drops_files_from_the_listing(bus: Bus) -> None:
    store = await MediaStore.open(bus.js, replicas=1, max_age_s=1)
    name = received_object("acme", "s1", "m1")
    await put(store, name, 500)
    assert [item.name for item in await list_objects(bus.js)] == [name]

    async def gone() -> bool:
        return await store.info(name) is None and await list_objects(bus.js) == []

    await eventually(gone, timeout=15)
