"""The lease bucket on NATS KV: the bucket opened (or created) with the lease TTL, and nats-py's
failures translated once into the lease port's two errors (runtime/leases.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import BadRequestError, NotFoundError
from nats.js.kv import KeyValue

from runtime.leadership import KeyLeadership
from runtime.leases import LeaseConflict, Leases, LeaseUnavailable
from runtime.nats_buckets import open_kv

__all__ = ["NatsLeaseBucket", "open_leadership", "open_lease_bucket", "open_leases"]


@contextmanager
def _translated() -> Iterator[None]:
    """A wrong last revision, an existing key (create) or a missing one (update, delete) is a
    conflict; anything else the client or server says is "cannot tell"."""
    try:
        yield
    except (BadRequestError, NotFoundError) as exc:  # KeyWrongLastSequenceError is a 400
        raise LeaseConflict(repr(exc)) from exc
    except (NatsError, TimeoutError) as exc:
        raise LeaseUnavailable(repr(exc)) from exc


class NatsLeaseBucket:
    """``LeaseBucket`` on a NATS KV bucket (history 1, entries expiring after the TTL)."""

    def __init__(self, kv: KeyValue) -> None:
        self.kv = kv

    async def create(self, key: str, value: bytes) -> int:
        with _translated():
            return await self.kv.create(key, value)

    async def read(self, key: str) -> tuple[bytes, int] | None:
        try:
            with _translated():
                entry = await self.kv.get(key)
        except LeaseConflict:  # no such key, or its last entry is a delete marker
            return None
        if entry.revision is None:
            return None
        return entry.value or b"", entry.revision

    async def update(self, key: str, value: bytes, revision: int) -> int:
        with _translated():
            return await self.kv.update(key, value, last=revision)

    async def delete(self, key: str, revision: int) -> None:
        with _translated():
            await self.kv.delete(key, last=revision)


async def open_lease_bucket(
    js: JetStreamContext, bucket: str, *, ttl_s: float, replicas: int = 1
) -> NatsLeaseBucket:
    """Open ``bucket``, creating it with the lease TTL if it does not exist (one that exists
    with other settings is used as it is)."""
    config = KeyValueConfig(bucket=bucket, ttl=ttl_s, history=1, replicas=replicas)
    return NatsLeaseBucket(await open_kv(js, config))


async def open_leases(
    js: JetStreamContext, bucket: str, instance: str, *, ttl_s: float, replicas: int = 1
) -> Leases:
    """This instance's leases on the keys of ``bucket``."""
    return Leases(await open_lease_bucket(js, bucket, ttl_s=ttl_s, replicas=replicas), instance)


async def open_leadership(
    js: JetStreamContext, bucket: str, key: str, instance: str, *, ttl_s: float, replicas: int = 1
) -> KeyLeadership:
    """Leadership as this instance's lease on ``key`` of ``bucket``."""
    leases = await open_leases(js, bucket, instance, ttl_s=ttl_s, replicas=replicas)
    return KeyLeadership(leases, key)
