"""A session's state, changed only by applying its events (see transitions for deciding)."""

from datetime import datetime
from typing import Literal

from msgspec import Struct, field

from contracts.chat_commands import ReadRef
from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from contracts.events import (
    ChatRead,
    ChatReadQueued,
    Event,
    GroupCreated,
    GroupJoined,
    GroupLeft,
    GroupSynced,
    MessageActionQueued,
    MessageEdited,
    MessageQueued,
    MessageReacted,
    MessageRevoked,
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
from contracts.events.session import DisconnectReason, SendPacing
from contracts.media import MediaDescriptor

__all__ = ["LIVE", "UNCOUNTED_DROPS", "PendingSend", "Session", "Status"]

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


UNCOUNTED_DROPS: frozenset[DisconnectReason] = frozenset({"worker_recycled"})
"""Drops of a client we ended ourselves: reconnected, but not a reconnect attempt."""


def _counted_before(reconnects: list[datetime], attempt: int) -> list[datetime]:
    """The attempts the drop's decision counted (its ``attempt`` is one more): the latest ones.
    A drop after a stable connection is attempt 1, so the earlier attempts are forgotten."""
    if attempt < 1:
        return reconnects  # (an event from before attempts were numbered)
    return reconnects[len(reconnects) - (attempt - 1) :] if attempt > 1 else []


class PendingSend(Struct, kw_only=True):
    """A queued send that has not reached a final state yet."""

    message_id: str
    chat_jid: str
    text: str
    media: MediaDescriptor | None = None  # a file to send (text is then its caption)
    quote: Quote | None = None  # a reply to this message
    location: Location | None = None
    contact: ContactCard | None = None
    target: MessageRef | None = None  # an action (react, edit, revoke) on this message
    action: MessageAction | None = None
    reads: list[ReadRef] | None = None  # a read receipt for these messages of the chat
    read_sender: str | None = None  # the receipt's sender (groups)
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
    reconnects: list[datetime] = field(default_factory=list)  # counted reconnect attempts
    connected_at: datetime | None = None  # when the current connection came up
    pairing_failure: str | None = None  # why the last pairing ended without a connection
    pending: dict[str, PendingSend] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)  # recent sends that reached a final state
    # The groups the number was last known to be in: one missing from the next connection's
    # joined groups was left (or the number removed) while the session was offline.
    groups: set[str] = field(default_factory=set)

    def knows_message(self, message_id: str) -> bool:
        return message_id in self.pending or message_id in self.finished

    def _finish(self, message_id: str) -> None:
        self.pending.pop(message_id, None)
        self.finished = [*self.finished[-(REMEMBERED - 1) :], message_id]

    def _read(self, event: ChatRead) -> None:
        """Our queued receipt for exactly these messages was sent."""
        for item in self.pending.values():
            ids = [ref.message_id for ref in item.reads] if item.reads is not None else None
            if item.chat_jid == event.chat_jid and ids == event.message_ids:
                self._finish(item.message_id)
                return

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
                self.phone_number, self.connected_at = event.phone_number, at
            case SessionDisconnected():
                self.connected_at = None
                if not event.will_retry:
                    self.status = "needs_attention"
                    return
                self.status = "reconnecting"
                if event.reason not in UNCOUNTED_DROPS:
                    self.reconnects = [*_counted_before(self.reconnects, event.attempt), at]
            case SessionLoggedOut():
                self.status = "banned" if event.reason == "banned" else "logged_out"
                self.reconnects, self.connected_at = [], None
            case SessionReconnectRequested():
                self.status, self.reconnects = "reconnecting", []
            case SessionOptionsChanged():
                self.typing_before_send = event.typing_before_send
            case SessionDeleted():
                self.status, self.pending = "deleted", {}
            case GroupCreated() | GroupJoined() | GroupSynced():
                self.groups.add(event.group_jid)
            case GroupLeft():
                self.groups.discard(event.group_jid)
            case MessageQueued():
                self.pending[event.message_id] = PendingSend(
                    message_id=event.message_id,
                    chat_jid=event.chat_jid,
                    text=event.text,
                    media=event.media,
                    quote=event.quote,
                    location=event.location,
                    contact=event.contact,
                    queued_at=at,
                )
            case MessageActionQueued():
                self.pending[event.action_id] = PendingSend(
                    message_id=event.action_id,
                    chat_jid=event.chat_jid,
                    text="",
                    target=event.target,
                    action=event.action,
                    queued_at=at,
                )
            case ChatReadQueued():
                self.pending[event.read_id] = PendingSend(
                    message_id=event.read_id,
                    chat_jid=event.chat_jid,
                    text="",
                    reads=event.messages,
                    read_sender=event.sender_jid,
                    queued_at=at,
                )
            case ChatRead():
                self._read(event)
            case MessageReacted() | MessageEdited() | MessageRevoked() if (
                event.action_id in self.pending
            ):
                self._finish(event.action_id)
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
