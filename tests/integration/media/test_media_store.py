"""The media object store on a real nats-server: chunked writes, ranged reads, limits."""

import hashlib
import os
from collections.abc import AsyncIterator

import pytest

from runtime.bus import Bus
from runtime.media.store import CHUNK_SIZE, MediaStore, TooLarge


async def pieces(data: bytes, size: int = 10_000) -> AsyncIterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


async def read_all(store: MediaStore, name: str, start: int = 0, end: int | None = None) -> bytes:
    stored = await store.info(name)
    assert stored is not None
    return b"".join([chunk async for chunk in store.read(stored, start, end)])


async def test_bytes_come_back_whole_and_by_range(bus: Bus) -> None:
    store = await MediaStore.open(bus.js, replicas=1, max_age_s=3600)
    data = os.urandom(3 * CHUNK_SIZE + 123)
    stored = await store.put("upload.acme.a1", pieces(data), headers={"Wa-Mime": "image/png"})
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.chunks == 4
    info = await store.info("upload.acme.a1")
    assert info == stored
    assert await read_all(store, "upload.acme.a1") == data
    lo, hi = CHUNK_SIZE - 5, 2 * CHUNK_SIZE + 7
    assert await read_all(store, "upload.acme.a1", lo, hi) == data[lo:hi]
    # the client's own reader sees the same object (the format is the object store's)
    nats_store = await bus.js.object_store("wa_media")
    assert (await nats_store.get("upload.acme.a1")).data == data


async def test_past_the_limit_nothing_is_kept(bus: Bus) -> None:
    store = await MediaStore.open(bus.js, replicas=1, max_age_s=3600)
    with pytest.raises(TooLarge):
        await store.put("upload.acme.big", pieces(os.urandom(CHUNK_SIZE * 2)), headers={},
                        limit=CHUNK_SIZE + 1)  # fmt: skip
    assert await store.info("upload.acme.big") is None
    status = await bus.js.stream_info("OBJ_wa_media")
    assert status.state.messages == 0


async def test_a_deleted_object_is_gone(bus: Bus) -> None:
    store = await MediaStore.open(bus.js, replicas=1, max_age_s=3600)
    await store.put("received.acme.s1.m1", pieces(b"hello"), headers={})
    assert await store.delete("received.acme.s1.m1")
    assert await store.info("received.acme.s1.m1") is None
    assert not await store.delete("received.acme.s1.m1")
