"""What a session holds in memory for its chat actions: the paced queue and answer caches."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from contracts.chat_commands import NumberCheck, PresenceState, ReadRef
from services.session.domain.chat_policy import TtlCache
from services.session.domain.paced import PacedQueue

__all__ = ["ChatRuntime", "PacedJob"]


@dataclass(eq=False)
class PacedJob:
    """A read receipt (``refs``, one sender's) or a presence update (``state``) for a chat."""

    chat_jid: str
    refs: list[ReadRef] = field(default_factory=list)
    sender_jid: str | None = None
    state: PresenceState | None = None
    attempts: int = 0

    @property
    def up_to(self) -> datetime:
        return max(ref.sent_at for ref in self.refs)


@dataclass(eq=False)
class ChatRuntime:
    number_ttl_s: float
    picture_ttl_s: float
    queue: PacedQueue[PacedJob] = field(default_factory=PacedQueue)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    queued_reads: set[str] = field(default_factory=set)  # message ids whose receipt is queued
    task: asyncio.Task[None] | None = None
    numbers: TtlCache[str, NumberCheck] = field(init=False)
    pictures: TtlCache[str, bytes | None] = field(init=False)

    def __post_init__(self) -> None:
        self.numbers = TtlCache(self.number_ttl_s, size=4096)
        self.pictures = TtlCache(self.picture_ttl_s, size=256)

    def stop(self) -> None:
        """The session is logged out, deleted or released here: nothing queued goes out."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.queue, self.queued_reads = PacedQueue(), set()
