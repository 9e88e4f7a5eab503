"""The media object store (JetStream object store ``wa_media``), written and read chunk by
chunk: no file is ever held whole in memory here.

The object format is the object store's own (chunks on ``$O.<bucket>.C.<nuid>``, then one
meta message on ``$O.<bucket>.M.<name>``), so ``nats object`` tools read what we write. We
write it ourselves because the client's ``put`` wants a synchronous reader and its ``get``
assembles the whole object (by ``bytes +=``); we read one chunk per direct get instead."""

import base64
import hashlib
import json
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from contracts.media import MEDIA_BUCKET
from runtime.media.objects import StoredObject, TooLarge
from runtime.nats_buckets import open_object_store
from runtime.nats_private import new_nuid

__all__ = ["CHUNK_SIZE", "MediaStore", "StoredObject", "TooLarge", "plain_headers"]

CHUNK_SIZE = 128 * 1024
_STREAM = f"OBJ_{MEDIA_BUCKET}"
_ROLLUP = {"Nats-Rollup": "sub"}  # the meta message replaces the previous one


def _meta_subject(name: str) -> str:
    return f"$O.{MEDIA_BUCKET}.M.{base64.urlsafe_b64encode(name.encode()).decode()}"


def _chunk_subject(nuid: str) -> str:
    return f"$O.{MEDIA_BUCKET}.C.{nuid}"


class MediaStore:
    def __init__(self, js: JetStreamContext) -> None:
        self.js = js

    @classmethod
    async def open(cls, js: JetStreamContext, *, replicas: int, max_age_s: float) -> "MediaStore":
        config = api.ObjectStoreConfig(
            bucket=MEDIA_BUCKET, replicas=replicas, ttl=max_age_s or None
        )
        await open_object_store(js, MEDIA_BUCKET, config)
        return cls(js)

    async def put(
        self,
        name: str,
        chunks: AsyncIterable[bytes],
        *,
        headers: Mapping[str, str],
        limit: int | None = None,
    ) -> StoredObject:
        """Store the bytes as ``name``; past ``limit`` bytes raise TooLarge and keep nothing."""
        nuid = new_nuid(self.js)
        subject, digest, size, count = _chunk_subject(nuid), hashlib.sha256(), 0, 0
        try:
            async for chunk in _rechunked(chunks):
                size += len(chunk)
                if limit is not None and size > limit:
                    raise TooLarge(f"more than {limit} bytes")
                digest.update(chunk)
                await self.js.publish(subject, chunk)
                count += 1
            stored = StoredObject(
                name=name, nuid=nuid, size=size, chunks=count,
                sha256=digest.hexdigest(), headers=dict(headers),
            )  # fmt: skip
            await self.js.publish(_meta_subject(name), _meta(stored), headers=_ROLLUP)
        except BaseException:
            await self.js.purge_stream(_STREAM, subject=subject)
            raise
        return stored

    async def _meta_of(self, name: str) -> dict[str, Any]:
        try:
            msg = await self.js.get_msg(_STREAM, subject=_meta_subject(name), direct=True)
        except NotFoundError:
            return {}
        return dict(json.loads(msg.data or b"{}"))

    async def deleted(self, name: str) -> bool:
        """Whether ``name`` was deleted (by a sweep or its session's deletion) and said so."""
        return bool((await self._meta_of(name)).get("deleted"))

    async def info(self, name: str) -> StoredObject | None:
        info = await self._meta_of(name)
        if info.get("deleted") or not info.get("nuid"):
            return None
        digest = base64.urlsafe_b64decode(str(info.get("digest", "")).removeprefix("SHA-256="))
        return StoredObject(
            name=name, nuid=info["nuid"], size=info.get("size") or 0,
            chunks=info.get("chunks") or 0, sha256=digest.hex(),
            headers=plain_headers(info.get("headers")),
        )  # fmt: skip

    async def read(
        self, stored: StoredObject, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        """The bytes ``start`` up to ``end`` (exclusive), one chunk fetched at a time."""
        end = stored.size if end is None else end
        subject, seq, offset = _chunk_subject(stored.nuid), 0, 0
        for _ in range(stored.chunks):
            if offset >= end:
                return
            msg = await self.js.get_msg(
                _STREAM, seq=seq + 1, subject=subject, direct=True, next=True
            )
            seq, data = msg.seq or seq + 1, msg.data or b""
            lo, hi = max(start - offset, 0), min(end - offset, len(data))
            offset += len(data)
            if lo < hi:
                yield data[lo:hi]

    async def delete(self, name: str) -> bool:
        stored = await self.info(name)
        if stored is None:
            return False
        await self.js.purge_stream(_STREAM, subject=_chunk_subject(stored.nuid))
        gone = {"name": name, "bucket": MEDIA_BUCKET, "nuid": stored.nuid, "deleted": True}
        await self.js.publish(_meta_subject(name), json.dumps(gone).encode(), headers=_ROLLUP)
        return True


def plain_headers(raw: Mapping[str, object] | None) -> dict[str, str]:
    """An object's headers as meta keeps them (a list per name), one value per name."""
    return {k: str(v[0]) if isinstance(v, list) else str(v) for k, v in (raw or {}).items()}


def _meta(stored: StoredObject) -> bytes:
    digest = base64.urlsafe_b64encode(bytes.fromhex(stored.sha256)).decode()
    return json.dumps({
        "name": stored.name, "bucket": MEDIA_BUCKET, "nuid": stored.nuid,
        "size": stored.size, "chunks": stored.chunks, "digest": f"SHA-256={digest}",
        "mtime": datetime.now(UTC).isoformat(),
        "headers": {k: [v] for k, v in stored.headers.items()},
        "options": {"max_chunk_size": CHUNK_SIZE},
    }).encode()  # fmt: skip


async def _rechunked(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    buffer = bytearray()
    async for piece in chunks:
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)
