"""What a session holds in memory for its chat actions: the paced queue of presence updates
(ephemeral: a restart forgets them) and the answer caches. Read receipts are not here: they
are in the log and the session's state (``chat.read_queued``), sent by the outbox."""

import asyncio
from dataclasses import dataclass, field

from contracts.chat_commands import NumberCheck, PresenceState
from services.session.domain.chat_policy import TtlCache
from services.session.domain.paced import PacedQueue

__all__ = ["ChatRuntime", "PacedJob"]


@dataclass(eq=False)
class PacedJob:
    """A presence update (``state``) for a chat."""

    chat_jid: str
    state: PresenceState


@dataclass(eq=False)
class ChatRuntime:
    number_ttl_s: float
    picture_ttl_s: float
    queue: PacedQueue[PacedJob] = field(default_factory=PacedQueue)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
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
        self.queue = PacedQueue()
