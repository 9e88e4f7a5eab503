"""Idempotency records in a NATS KV bucket: shared by every gateway replica, kept across
restarts, each record gone 24 h after its last write (the bucket's TTL)."""

import msgspec
import nats.errors
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from runtime.nats_buckets import open_kv
from runtime.rpc import BackendUnavailable
from services.gateway.adapters.idempotency_records import IdempotencyRecords
from services.gateway.domain.idempotency import RETAIN_S, Record

__all__ = ["IDEMPOTENCY_BUCKET", "KvIdempotencyRecords"]

IDEMPOTENCY_BUCKET = "wa_idempotency"
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Record)


def _unavailable(exc: Exception) -> BackendUnavailable:
    return BackendUnavailable(f"idempotency records unavailable: {exc!r}")


class KvIdempotencyRecords(IdempotencyRecords):
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @classmethod
    async def open(cls, js: JetStreamContext, *, replicas: int = 1) -> "KvIdempotencyRecords":
        config = KeyValueConfig(
            bucket=IDEMPOTENCY_BUCKET, ttl=RETAIN_S, history=1, replicas=replicas
        )
        return cls(await open_kv(js, config))

    async def create(self, name: str, record: Record) -> int | None:
        try:
            return await self._kv.create(name, _encoder.encode(record))
        except KeyWrongLastSequenceError:
            return None
        except nats.errors.Error as exc:
            raise _unavailable(exc) from exc

    async def get(self, name: str) -> tuple[Record, int] | None:
        try:
            entry = await self._kv.get(name)
        except KeyNotFoundError:
            return None
        except nats.errors.Error as exc:
            raise _unavailable(exc) from exc
        if entry.value is None or entry.revision is None:
            return None
        try:
            return _decoder.decode(entry.value), entry.revision
        except msgspec.DecodeError as exc:
            raise _unavailable(exc) from exc

    async def update(self, name: str, record: Record, revision: int) -> int | None:
        try:
            return await self._kv.update(name, _encoder.encode(record), last=revision)
        except KeyWrongLastSequenceError:
            return None
        except nats.errors.Error as exc:
            raise _unavailable(exc) from exc
