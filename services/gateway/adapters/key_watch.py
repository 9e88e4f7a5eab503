"""Every gateway watches the API-key bucket: a key that is deleted there (rotated, revoked)
ends, at once, the event streams that this gateway holds open with it, whichever gateway
changed the key; and any change of a key drops it from this gateway's key cache first, so
the next request with it is looked up again (refused, once the key is gone).

An ordered push consumer on the bucket's stream, new changes only, headers only (the value,
a tenant id, is not needed). nats-py re-creates it from the last seen change when heartbeats
stop (a NATS restart), so no deletion is skipped."""

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy

from runtime.logging import get_logger
from services.gateway.adapters.tenants import KEYS_BUCKET
from services.gateway.domain.key_cache import KeyCache
from services.gateway.domain.open_streams import OpenStreams

__all__ = ["KeyWatch"]

log = get_logger(__name__)
_STREAM = f"KV_{KEYS_BUCKET}"
_PREFIX = f"$KV.{KEYS_BUCKET}."
_GONE_OPS = frozenset({"DEL", "PURGE"})
_GONE_MARKERS = frozenset({"Remove", "Purge", "MaxAge"})  # server-placed markers (2.11+)


def _is_removal(msg: Msg) -> bool:
    headers = msg.headers or {}
    return headers.get("KV-Operation") in _GONE_OPS or (
        headers.get("Nats-Marker-Reason") in _GONE_MARKERS
    )


class KeyWatch:
    """Forgets a changed key; ends the streams of a key when the key leaves the bucket."""

    def __init__(self, streams: OpenStreams, cache: KeyCache) -> None:
        self._streams = streams
        self._cache = cache
        self._sub: JetStreamContext.PushSubscription | None = None

    async def start(self, js: JetStreamContext) -> None:
        self._sub = await js.subscribe(
            _PREFIX + ">",
            stream=_STREAM,
            cb=self._changed,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
            headers_only=True,
        )

    async def _changed(self, msg: Msg) -> None:
        key_hash = msg.subject.removeprefix(_PREFIX)
        self._cache.forget(key_hash)
        if not _is_removal(msg):
            return
        ended = self._streams.revoke(key_hash)
        if ended:
            log.info("events.key_revoked", streams_ended=ended)

    async def stop(self) -> None:
        if self._sub is not None:
            try:
                await self._sub.unsubscribe()
            except Exception as exc:  # closing: the connection may already be gone
                log.debug("key_watch.unsubscribe_failed", error=repr(exc))
