"""Session ownership: a lease per session in a NATS KV bucket with a TTL, taken and renewed
with compare-and-set, valued by the instance id. Whoever holds it runs the session's client."""

from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import BadRequestError, KeyWrongLastSequenceError, NotFoundError
from nats.js.kv import KeyValue

from runtime.logging import get_logger

__all__ = ["LEASE_BUCKET", "LeaseStore", "open_leases"]

LEASE_BUCKET = "wa_session_leases"
log = get_logger(__name__)


class LeaseStore:
    """Compare-and-set leases; revisions are remembered so a renewal proves continuity."""

    def __init__(self, kv: KeyValue, instance: str) -> None:
        self._kv = kv
        self.instance = instance
        self._revisions: dict[str, int] = {}

    def held(self) -> list[str]:
        return list(self._revisions)

    def holds(self, session: str) -> bool:
        return session in self._revisions

    async def owner(self, session: str) -> str | None:
        try:
            entry = await self._kv.get(session)
        except NotFoundError:
            return None
        return entry.value.decode() if entry.value else None

    async def acquire(self, session: str) -> bool:
        """Take the lease if it is free, or if it is already ours (a restart of this instance)."""
        if session in self._revisions and await self.renew(session):
            return True
        me = self.instance.encode()
        try:
            self._revisions[session] = await self._kv.create(session, me)
            return True
        except (KeyWrongLastSequenceError, BadRequestError):
            pass
        try:
            entry = await self._kv.get(session)
        except NotFoundError:
            return False
        if entry.value != me or entry.revision is None:
            return False
        try:
            self._revisions[session] = await self._kv.update(session, me, last=entry.revision)
        except KeyWrongLastSequenceError:
            return False
        return True

    async def renew(self, session: str) -> bool:
        """Extend the lease; False means it is lost (stop the client at once)."""
        revision = self._revisions.get(session)
        if revision is None:
            return False
        try:
            self._revisions[session] = await self._kv.update(
                session, self.instance.encode(), last=revision
            )
            return True
        except (KeyWrongLastSequenceError, NotFoundError):
            self._revisions.pop(session, None)
            return False

    def forget(self, session: str) -> None:
        self._revisions.pop(session, None)

    async def release(self, session: str) -> None:
        revision = self._revisions.pop(session, None)
        if revision is not None:
            try:
                await self._kv.delete(session, last=revision)
            except (KeyWrongLastSequenceError, NotFoundError):
                log.warning("lease.release_conflict", session=session)


async def open_leases(
    js: JetStreamContext, instance: str, ttl_s: float, replicas: int
) -> LeaseStore:
    try:
        kv = await js.key_value(LEASE_BUCKET)
    except Exception:  # the bucket does not exist yet
        kv = await js.create_key_value(
            KeyValueConfig(bucket=LEASE_BUCKET, ttl=ttl_s, history=1, replicas=replicas)
        )
    return LeaseStore(kv, instance)
