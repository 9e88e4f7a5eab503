"""Fetching received files: a few at once, retried with backoff, each ending in one recorded
event (message.media_stored or message.media_failed) whose id comes from the message id, so
a fetch resumed after a restart never records or keeps a file twice."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts.events import MessageMediaFailed, MessageMediaStored
from contracts.media import MediaFailureReason
from runtime.logging import get_logger
from services.session.adapters.whatsapp.port import DownloadFailed
from services.session.service_layer.media_files import KeptFile, OverQuota
from services.session.service_layer.pending_media import PendingMedia
from services.session.service_layer.session_runtime import SessionRuntime
from services.session.service_layer.stable_ids import stable_event_id

if TYPE_CHECKING:
    from services.session.service_layer.owned_sessions import OwnedSessions

__all__ = ["DownloadPolicy", "MediaDownloads"]

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class DownloadPolicy:
    concurrency: int = 4
    attempts: int = 5
    backoff_s: float = 1.0  # doubles per attempt, up to cap_s
    cap_s: float = 300.0

    def delay(self, attempt: int) -> float:
        return float(min(self.cap_s, self.backoff_s * 2 ** (attempt - 1)))


class MediaDownloads:
    """One task per pending file; only connected sessions fetch (waiting costs no attempt)."""

    def __init__(
        self, core: "OwnedSessions", sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        self.core = core
        self.policy = core.deps.downloads
        self.pending = core.deps.pending_media
        self.sleep = sleep
        self._slots = asyncio.Semaphore(max(1, self.policy.concurrency))
        self._running: dict[tuple[str, str, str], SessionRuntime] = {}

    async def received(self, rt: SessionRuntime, item: PendingMedia) -> None:
        await self.pending.add(item)
        self.start(rt, item)

    async def resume(self, rt: SessionRuntime) -> None:
        for item in await self.pending.of_session(rt.tenant, rt.session):
            self.start(rt, item)

    def start(self, rt: SessionRuntime, item: PendingMedia) -> None:
        key = (item.tenant, item.session, item.message_id)
        if self._running.get(key) is rt:
            return
        self._running[key] = rt
        self.core.spawn(self._run(rt, item, key))

    async def _run(self, rt: SessionRuntime, item: PendingMedia, key: tuple[str, str, str]) -> None:
        try:
            await self._fetch(rt, item)
        except Exception:  # left pending: the next connection resumes it
            log.exception("media.download_crashed", tenant=rt.tenant, session=rt.session,
                          message_id=item.message_id)  # fmt: skip
        finally:
            if self._running.get(key) is rt:
                del self._running[key]

    async def _fetch(self, rt: SessionRuntime, item: PendingMedia) -> None:
        files, attempts = self.core.deps.media, 0
        kept = await files.kept(rt.tenant, rt.session, item.message_id)
        while kept is None:
            attempts += 1
            try:
                kept = await self._attempt(rt, item)
            except OverQuota as exc:  # retrying cannot help: the message is kept without it
                await self._record_failed(rt, item, attempts, str(exc), "quota_exceeded")
                return
            except Exception as exc:
                where = {"tenant": rt.tenant, "session": rt.session, "message_id": item.message_id}
                log.warning("media.download_failed", **where, attempt=attempts, error=str(exc))
                if attempts >= self.policy.attempts:
                    await self._record_failed(rt, item, attempts, str(exc))
                    return
                await self.sleep(self.policy.delay(attempts))
        stored = MessageMediaStored(
            message_id=item.message_id, chat_jid=item.chat_jid, size=kept.size,
            sha256=kept.sha256, mime=item.mime, attempts=max(attempts, 1),
        )  # fmt: skip
        await self.core.publish_fact(rt, stored, self._event_id(rt, item))
        await self.pending.remove(rt.tenant, rt.session, item.message_id)

    async def _attempt(self, rt: SessionRuntime, item: PendingMedia) -> KeptFile:
        """One attempt, on the client live when a slot is free: a session that went offline
        while this waited (for a slot, or during the fetch) costs no attempt."""
        while True:
            await rt.online.wait()
            async with self._slots:
                if not rt.online.is_set():
                    continue  # dropped while this waited for the slot: give it back, wait
                client, generation = rt.client, rt.generation
                if client is None:
                    raise DownloadFailed("no client")
                try:
                    data = await client.download_media(media_ref=item.media_ref)
                except Exception:
                    if generation == rt.generation and rt.online.is_set():
                        raise
                    continue  # the client was stopped underneath: not the file's failure
                files = self.core.deps.media
                return await files.keep(rt.tenant, rt.session, item.message_id, data, item.mime)

    async def _record_failed(
        self, rt: SessionRuntime, item: PendingMedia, attempts: int, detail: str,
        reason: MediaFailureReason = "download_failed",
    ) -> None:  # fmt: skip
        failed = MessageMediaFailed(
            message_id=item.message_id, chat_jid=item.chat_jid, reason=reason,
            detail=detail[:500], attempts=attempts,
        )  # fmt: skip
        await self.core.publish_fact(rt, failed, self._event_id(rt, item))
        await self.pending.remove(rt.tenant, rt.session, item.message_id)

    @staticmethod
    def _event_id(rt: SessionRuntime, item: PendingMedia) -> str:
        return stable_event_id(rt.tenant, rt.session, "media", item.message_id)
