"""One leader among replicas: a key in a NATS KV bucket whose entries expire after the lease
TTL, taken with create and renewed by compare-and-set (the revision we last wrote); and the
loop that runs a service's work only while it leads.

A leader that cannot renew stops its work before its lease expires, so two replicas work at
once only in the rare overlap that at-least-once allows (the work must tolerate that)."""

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import APIError, BadRequestError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from runtime.logging import get_logger

__all__ = ["KvLeadership", "Leadership", "Work", "lead_when_elected"]

log = get_logger(__name__)
Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class Leadership(Protocol):
    """The lease port."""

    async def acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


class KvLeadership:
    """The lease of this instance on ``key``; ``acquire``/``renew`` say whether it holds it.
    ``instance`` must differ between live replicas: a restart under the same one takes its
    lease back at once instead of after the TTL."""

    def __init__(
        self,
        js: JetStreamContext,
        instance: str,
        ttl_s: float,
        replicas: int = 1,
        *,
        bucket: str,
        key: str,
    ) -> None:
        self._js = js
        self._me = instance.encode()
        self._ttl_s = ttl_s
        self._replicas = replicas
        self.bucket, self.key = bucket, key
        self._kv: KeyValue | None = None
        self._revision: int | None = None

    async def open(self) -> None:
        try:
            self._kv = await self._js.create_key_value(
                bucket=self.bucket, ttl=self._ttl_s, history=1, replicas=self._replicas
            )
        except (BadRequestError, APIError):  # it exists already: use it as it is
            self._kv = await self._js.key_value(self.bucket)

    @property
    def kv(self) -> KeyValue:
        assert self._kv is not None, "open() first"
        return self._kv

    async def acquire(self) -> bool:
        """Take the lease if free; True also if this instance holds it already (renewed)."""
        if self._revision is not None:
            return await self.renew()
        try:
            self._revision = await self.kv.create(self.key, self._me)
        except KeyWrongLastSequenceError:
            return await self._reclaim()  # another instance leads (until its entry expires)
        except (NatsError, TimeoutError):
            return False
        return True

    async def _reclaim(self) -> bool:
        """Our own lease from before a restart (the same instance id) is still ours."""
        try:
            entry = await self.kv.get(self.key)
            if entry.value != self._me or entry.revision is None:
                return False
            self._revision = await self.kv.update(self.key, self._me, last=entry.revision)
        except (KeyWrongLastSequenceError, NatsError, TimeoutError):
            return False
        return True

    async def renew(self) -> bool:
        if self._revision is None:
            return False
        try:
            self._revision = await self.kv.update(self.key, self._me, last=self._revision)
        except (KeyWrongLastSequenceError, NatsError, TimeoutError):
            self._revision = None  # lost, or cannot tell: stop leading either way
            return False
        return True

    async def release(self) -> None:
        """Hand over at once on a clean stop instead of after the TTL."""
        if self._revision is not None:
            with contextlib.suppress(NatsError, TimeoutError):
                await self.kv.delete(self.key, last=self._revision)
            self._revision = None


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def lead_when_elected(
    leadership: Leadership, work: Work, stop: asyncio.Event, *, ttl_s: float, name: str
) -> None:
    """Run ``work(term)`` for each term of leadership; ``term`` is set when the term ends.
    ``name`` prefixes the log events (``<name>.leading``)."""
    beat = ttl_s / 4
    while not stop.is_set():
        if not await leadership.acquire():
            await _pause(stop, beat)
            continue
        log.info(f"{name}.leading")
        term = asyncio.Event()
        task = asyncio.create_task(work(term))
        stopping = asyncio.create_task(stop.wait())
        while not stop.is_set() and not task.done():
            await asyncio.wait([task, stopping], timeout=beat, return_when="FIRST_COMPLETED")
            if not (stop.is_set() or task.done()) and not await leadership.renew():
                log.warning(f"{name}.leadership_lost")
                break
        stopping.cancel()
        term.set()
        try:
            await task
        except Exception:
            log.exception(f"{name}.work_failed")
            await leadership.release()
            await _pause(stop, beat)  # not at once again: another replica may do better
            continue
        await leadership.release()
