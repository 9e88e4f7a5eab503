"""The places a lease suite runs in: NATS KV on a real server, and memory with a manual clock.
Each gives leases per instance, a way to let a lease expire, another writer, and a cut."""

from typing import Protocol

import nats

from runtime.bus import Bus
from runtime.leases import Leases
from runtime.memory.clock import ManualClock
from runtime.memory.leases import MemoryLeaseBucket
from runtime.nats_leases import NatsLeaseBucket, open_lease_bucket
from tests.support.waiting import eventually

__all__ = ["LeaseWorld", "MemoryWorld", "NatsWorld"]

BUCKET = "wa_test_leases"
TTL_S = 1.0


class LeaseWorld(Protocol):
    async def leases(self, instance: str) -> Leases: ...
    async def expire(self, key: str) -> None: ...
    async def overwrite(self, key: str, value: bytes) -> None: ...
    async def cut(self, instance: str) -> Leases:
        """Leases of ``instance`` that held ``key`` "k" and then lost the bucket."""
        ...


class MemoryWorld:
    def __init__(self) -> None:
        self.clock = ManualClock()
        self.bucket = MemoryLeaseBucket(TTL_S, self.clock)

    async def leases(self, instance: str) -> Leases:
        return Leases(self.bucket, instance)

    async def expire(self, key: str) -> None:
        self.clock.advance(TTL_S)

    async def overwrite(self, key: str, value: bytes) -> None:
        await self.bucket.put(key, value)

    async def cut(self, instance: str) -> Leases:
        own = MemoryLeaseBucket(TTL_S, self.clock)
        leases = Leases(own, instance)
        assert await leases.acquire("k")
        own.reachable = False
        return leases


class NatsWorld:
    def __init__(self, bus: Bus, url: str) -> None:
        self.bus, self.url = bus, url

    async def _bucket(self) -> NatsLeaseBucket:
        return await open_lease_bucket(self.bus.js, BUCKET, ttl_s=TTL_S)

    async def leases(self, instance: str) -> Leases:
        return Leases(await self._bucket(), instance)

    async def expire(self, key: str) -> None:
        bucket = await self._bucket()

        async def gone() -> bool:
            return await bucket.read(key) is None

        await eventually(gone, timeout=10, interval=0.1)

    async def overwrite(self, key: str, value: bytes) -> None:
        await (await self._bucket()).kv.put(key, value)

    async def cut(self, instance: str) -> Leases:
        nc = await nats.connect(self.url)
        leases = Leases(await open_lease_bucket(nc.jetstream(), BUCKET, ttl_s=TTL_S), instance)
        assert await leases.acquire("k")
        await nc.close()
        return leases
