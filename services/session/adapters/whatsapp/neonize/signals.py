"""What a translated neonize event means, as typed values (the client turns them into calls)."""

from msgspec import Struct

from contracts.events.message import DeliveryStatus
from contracts.events.session import LogoutReason, PairingFailureReason
from services.session.adapters.whatsapp.groups import GroupChange
from services.session.adapters.whatsapp.port import (
    ContactInfo,
    DropReason,
    IncomingMessage,
    Undecryptable,
)

__all__ = [
    "ConnectionUp",
    "ContactLearned",
    "Dropped",
    "GroupChanged",
    "KeepAliveBack",
    "KeepAliveMissed",
    "LoggedOut",
    "MessageArrived",
    "NotDecrypted",
    "OfflineSyncEnded",
    "OfflineSyncStarted",
    "PairResult",
    "PairingFailed",
    "ReceiptArrived",
    "Signal",
]


class ConnectionUp(Struct, frozen=True, kw_only=True):
    """Connected; the client asks neonize who we are (the event carries no JID)."""


class Dropped(Struct, frozen=True, kw_only=True):
    reason: DropReason
    detail: str | None = None


class KeepAliveBack(Struct, frozen=True, kw_only=True):
    """Keep-alives answer again (after fewer misses than make a drop). Only noted."""


class KeepAliveMissed(Struct, frozen=True, kw_only=True):
    """A keep-alive went unanswered; whatsmeow keeps trying. Only noted, below the threshold."""

    errors: int


class LoggedOut(Struct, frozen=True, kw_only=True):
    reason: LogoutReason
    detail: str | None = None


class PairResult(Struct, frozen=True, kw_only=True):
    ok: bool
    jid: str | None = None
    error: str | None = None


class PairingFailed(Struct, frozen=True, kw_only=True):
    reason: PairingFailureReason
    detail: str | None = None


class OfflineSyncStarted(Struct, frozen=True, kw_only=True):
    pending_messages: int


class OfflineSyncEnded(Struct, frozen=True, kw_only=True):
    count: int


class MessageArrived(Struct, frozen=True, kw_only=True):
    message: IncomingMessage


class NotDecrypted(Struct, frozen=True, kw_only=True):
    message: Undecryptable


class ReceiptArrived(Struct, frozen=True, kw_only=True):
    """``whatsapp_ids`` are WhatsApp's ids; the client maps them back to ours."""

    chat_jid: str
    whatsapp_ids: list[str]
    status: DeliveryStatus


class ContactLearned(Struct, frozen=True, kw_only=True):
    contact: ContactInfo


class GroupChanged(Struct, frozen=True, kw_only=True):
    """We joined, left or made a group, or someone changed one we are in."""

    change: GroupChange


Signal = (
    ConnectionUp
    | Dropped
    | KeepAliveBack
    | KeepAliveMissed
    | LoggedOut
    | PairResult
    | PairingFailed
    | OfflineSyncStarted
    | OfflineSyncEnded
    | MessageArrived
    | NotDecrypted
    | ReceiptArrived
    | ContactLearned
    | GroupChanged
)
