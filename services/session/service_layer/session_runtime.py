"""What the service holds in memory for one session it owns: state, client, QR, workers."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from services.session.adapters.whatsapp.port import WhatsAppClient
from services.session.domain.pacing import Pacer
from services.session.domain.session import Session
from services.session.service_layer.chat_runtime import ChatRuntime

__all__ = ["LiveQr", "SessionRuntime"]


@dataclass
class LiveQr:
    code: str  # a secret: never logged, never in the event log
    expires_at: datetime


@dataclass(eq=False)
class SessionRuntime:
    """One owned session. ``lock`` serializes its commands and its state transitions."""

    state: Session
    pacer: Pacer
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    client: WhatsAppClient | None = None
    generation: int = 0
    online: asyncio.Event = field(default_factory=asyncio.Event)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    qr: LiveQr | None = None
    qr_ready: asyncio.Event = field(default_factory=asyncio.Event)
    # set, before the lock is taken, when the current client's pairing fails: a pair/get_qr
    # reply waiting (under the lock) for a first QR stops waiting for one that will not come
    pairing_over: asyncio.Event = field(default_factory=asyncio.Event)
    last_sequence: int | None = None
    retry_task: asyncio.Task[None] | None = None
    outbox_task: asyncio.Task[None] | None = None
    contacts: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    chat: ChatRuntime | None = None  # made on its first chat action

    @property
    def tenant(self) -> str:
        return self.state.tenant

    @property
    def session(self) -> str:
        return self.state.session

    def cancel_retry(self) -> None:
        if self.retry_task is not None and self.retry_task is not asyncio.current_task():
            self.retry_task.cancel()
        self.retry_task = None
