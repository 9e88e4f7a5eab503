"""A session's state, changed only by applying its events (see transitions for deciding)."""

from datetime import datetime
from typing import Literal

from msgspec import Struct, field

from contracts.events import (
    Event,
    MessageQueued,
    MessageSendFailed,
    MessageSent,
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
    SessionOptionsChanged,
    SessionPairingFailed,
    SessionPairingStarted,
    SessionReconnectRequested,
)
from contracts.events.session import SendPacing
from contracts.media import MediaDescriptor

__all__ = ["LIVE", "PendingSend", "Session", "Status"]

REMEMBERED = 2000
"""How many finished message ids a session remembers, so a retried send command is not doubled."""

Status = Literal[
    "new",
    "pairing",
    "pairing_failed",
    "connected",
    "reconnecting",
    "needs_attention",
    "logged_out",
    "banned",
    "deleted",
]
LIVE: frozenset[str] = frozenset({"pairing", "connected", "reconnecting"})
"""The statuses in which the session should have a running client."""


class PendingSend(Struct, kw_only=True):
    """A queued send that has not reached a final state yet."""

    message_id: str
    chat_jid: str
    text: str
    media: MediaDescriptor | None = None  # a file to send (text is then its caption)
    attempts: int = 0
    not_before: datetime | None = None
    queued_at: datetime | None = None


class Session(Struct, kw_only=True):
    """What the service knows of one session; rebuilt from its events alone."""

    tenant: str
    session: str
    name: str = ""
    status: Status = "new"
    jid: str | None = None
    phone_number: str | None = None
    pacing: SendPacing | None = None
    typing_before_send: bool = False
    reconnects: list[datetime] = field(default_factory=list)
    pairing_failure: str | None = None  # why the last pairing ended without a connection
    pending: dict[str, PendingSend] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)  # recent sends that reached a final state

    def knows_message(self, message_id: str) -> bool:
        return message_id in self.pending or message_id in self.finished

    def _finish(self, message_id: str) -> None:
        self.pending.pop(message_id, None)
        self.finished = [*self.finished[-(REMEMBERED - 1) :], message_id]

    def apply(self, event: Event, at: datetime) -> None:
        """Evolve by one event that happened at ``at``."""
        match event:
            case SessionCreated():
                self.name, self.status, self.pacing = event.name, "new", event.pacing
            case SessionPairingStarted():
                self.status, self.reconnects, self.pairing_failure = "pairing", [], None
            case SessionPairingFailed():
                self.status, self.pairing_failure = "pairing_failed", event.reason
            case SessionConnected():
                self.status, self.jid = "connected", event.jid
                self.phone_number = event.phone_number
            case SessionDisconnected():
                if event.will_retry:
                    self.status = "reconnecting"
                    self.reconnects = [*self.reconnects, at]
                else:
                    self.status = "needs_attention"
            case SessionLoggedOut():
                self.status = "banned" if event.reason == "banned" else "logged_out"
                self.reconnects = []
            case SessionReconnectRequested():
                self.status, self.reconnects = "reconnecting", []
            case SessionOptionsChanged():
                self.typing_before_send = event.typing_before_send
            case SessionDeleted():
                self.status, self.pending = "deleted", {}
            case MessageQueued():
                self.pending[event.message_id] = PendingSend(
                    message_id=event.message_id,
                    chat_jid=event.chat_jid,
                    text=event.text,
                    media=event.media,
                    queued_at=at,
                )
            case MessageSent():
                self._finish(event.message_id)
            case MessageSendFailed():
                item = self.pending.get(event.message_id)
                if item is None:
                    return
                if event.will_retry:
                    item.attempts, item.not_before = event.attempt, event.next_attempt_at
                else:
                    self._finish(event.message_id)
            case _:
                pass
