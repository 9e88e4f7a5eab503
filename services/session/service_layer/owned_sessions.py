"""The owned sessions and the one way to change them: decide, append to the log, apply."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from contracts.envelope import Envelope, make_event
from contracts.events import Event
from contracts.events.session import SendPacing
from runtime.logging import get_logger
from services.session.adapters.whatsapp.port import WhatsAppPort
from services.session.domain.chat_policy import ChatPolicy
from services.session.domain.pacing import Pacer
from services.session.domain.policies import RandomSource, ReconnectPolicy, SendRetryPolicy
from services.session.domain.session import Session
from services.session.service_layer.downloads import DownloadPolicy, MediaDownloads
from services.session.service_layer.group_memory import GroupMemory
from services.session.service_layer.media_files import NO_MEDIA_FILES, MediaFiles
from services.session.service_layer.pending_media import MemoryPendingMedia, PendingMediaStore
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["Deps", "OwnedSessions", "Publisher"]

log = get_logger(__name__)


class Publisher(Protocol):
    """Appends one envelope to the event log and returns its stream sequence."""

    async def publish(self, envelope: Envelope) -> int: ...


@dataclass(frozen=True, kw_only=True)
class Deps:
    publisher: Publisher
    port: WhatsAppPort
    reconnect: ReconnectPolicy
    send_retry: SendRetryPolicy
    pacing: SendPacing
    rand: RandomSource
    now: Callable[[], datetime]
    publish_live: Callable[[str, str, str, bytes], Awaitable[None]]
    default_region: str = "EG"
    pairing_start_timeout_s: float = 30.0  # connect() to the first QR code or the connection
    media: MediaFiles = NO_MEDIA_FILES
    pending_media: PendingMediaStore = field(default_factory=MemoryPendingMedia)
    downloads: DownloadPolicy = field(default_factory=DownloadPolicy)
    sending_dir: Path | None = None  # where a file send's bytes pass through (None: temp dir)
    edit_window: timedelta = timedelta(minutes=15)  # WhatsApp's: edits after it are refused
    chat: ChatPolicy = field(default_factory=ChatPolicy)


class OwnedSessions:
    """The sessions this instance owns (their runtimes), the tasks it runs for them and what
    changing them needs (``deps``). Not the pure core: that is ``domain/``."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.runtimes: dict[str, SessionRuntime] = {}
        self.tasks: set[asyncio.Task[Any]] = set()
        self.downloads = MediaDownloads(self)
        self.groups = GroupMemory()

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def adopt(self, state: Session) -> SessionRuntime:
        """Start holding a session (created here, loaded on start, or taken over)."""
        pacing = state.pacing or self.deps.pacing
        loop = asyncio.get_running_loop()
        rt = SessionRuntime(state=state, pacer=Pacer(pacing, self.deps.rand, loop.time()))
        self.runtimes[state.session] = rt
        return rt

    def find(self, tenant: str, session: str) -> SessionRuntime | None:
        rt = self.runtimes.get(session)
        if rt is None or rt.tenant != tenant or rt.state.status == "deleted":
            return None
        return rt

    async def append(
        self,
        rt: SessionRuntime,
        events: list[Event],
        correlation_id: str | None = None,
        event_id: str | None = None,
    ) -> int | None:
        """Append the events of one decision in order, applying each once it is in the log.
        ``event_id``: a lone fact's id made from what it records, so the log keeps it once."""
        for payload in events:
            envelope = make_event(
                payload,
                tenant=rt.tenant,
                session=rt.session,
                occurred_at=self.deps.now(),
                correlation_id=correlation_id,
                event_id=event_id if len(events) == 1 else None,
            )
            rt.last_sequence = await self.deps.publisher.publish(envelope)
            rt.state.apply(payload, envelope.occurred_at)
        if events:
            rt.wake.set()
        return rt.last_sequence

    async def publish_fact(self, rt: SessionRuntime, payload: Event, event_id: str | None) -> None:
        """Append an event that changes no session state (messages in, receipts, contacts)."""
        envelope = make_event(
            payload,
            tenant=rt.tenant,
            session=rt.session,
            occurred_at=self.deps.now(),
            event_id=event_id,
        )
        await self.deps.publisher.publish(envelope)
