"""The simulator's control messages (request/reply on ``sim_subject(verb)``), so tests in any
language can drive the fake WhatsApp: scan a QR, deliver messages and receipts, inject faults."""

from typing import Literal

from msgspec import Struct, field

from contracts.conversation import ContactCard, Location, MessageAction
from contracts.media import SendableKind

__all__ = [
    "SimDrop",
    "SimFailConnects",
    "SimFailDownloads",
    "SimFailPairing",
    "SimFailSends",
    "SimIncoming",
    "SimIncomingMedia",
    "SimReceipt",
    "SimReply",
    "SimScan",
    "SimSent",
    "SimSentMessage",
    "SimSentReply",
]

SimDropReason = Literal["network", "keepalive", "logout", "replaced", "ban"]


class SimScan(Struct, frozen=True, kw_only=True):
    """The phone scans the current QR (or enters the pairing code)."""

    session: str
    phone: str


class SimIncomingMedia(Struct, frozen=True, kw_only=True):
    """A file the simulated phone sends: its bytes inline (small files) or already in the
    object store as ``object`` (what ``wa sim incoming --media`` does for larger ones)."""

    kind: SendableKind
    mime: str | None = None  # None: sniffed from the bytes
    filename: str | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    pages: int | None = None
    data: bytes | None = None
    object: str | None = None


class SimIncoming(Struct, frozen=True, kw_only=True):
    """Someone sends the session a message; ``old``: delivered late, as offline sync. With
    ``media``, ``text`` is its caption."""

    session: str
    sender: str
    text: str
    media: SimIncomingMedia | None = None
    sender_phone: str | None = None  # the phone JID alongside an @lid sender
    group: str | None = None
    push_name: str | None = None
    old: bool = False
    message_id: str | None = None
    reply_to: str | None = None  # the id of a message this one quotes
    location: Location | None = None  # a shared location (text may be "")
    contact: ContactCard | None = None  # a shared contact card (text may be "")
    from_me: bool = False  # sent from our own phone, to ``sender``'s chat


class SimReceipt(Struct, frozen=True, kw_only=True):
    session: str
    message_id: str
    status: Literal["delivered", "read", "played"] = "delivered"


class SimDrop(Struct, frozen=True, kw_only=True):
    session: str
    reason: SimDropReason


class SimFailSends(Struct, frozen=True, kw_only=True):
    """The next ``count`` sends of the session fail (retryable)."""

    session: str
    count: int


class SimFailConnects(Struct, frozen=True, kw_only=True):
    """The next ``count`` connection attempts of the session fail."""

    session: str
    count: int


class SimFailDownloads(Struct, frozen=True, kw_only=True):
    """The next ``count`` downloads of received files of the session fail."""

    session: str
    count: int


SimPairingFault = Literal[
    "codes_exhausted", "cancelled", "client_outdated", "connect_failed", "stall"
]


class SimFailPairing(Struct, frozen=True, kw_only=True):
    """The session's pairing fails: now if it is pairing, else at its next pairing. ``stall``:
    the client connects but never shows a QR code (the service's watchdog must end it)."""

    session: str
    fault: SimPairingFault


class SimSent(Struct, frozen=True, kw_only=True):
    session: str


class SimReply(Struct, frozen=True, kw_only=True):
    ok: bool
    error: str | None = None  # why it was not done (ok false)
    message_id: str | None = None
    # a message to the session: delivered now, or queued until its client is next online
    delivery: Literal["delivered", "queued"] | None = None


class SimSentMessage(Struct, frozen=True, kw_only=True):
    message_id: str
    chat_jid: str
    text: str  # a file's caption, or ""
    kind: str | None = None  # a file: its kind, type, size and digest (hex) as received
    mime: str | None = None
    size: int | None = None
    sha256: str | None = None
    filename: str | None = None
    reply_to: str | None = None  # a quoted reply: the id quoted
    location: Location | None = None
    contact: ContactCard | None = None  # with the vCard as sent
    target_id: str | None = None  # an action: the message reacted to, edited or revoked
    action: MessageAction | None = None


class SimSentReply(Struct, frozen=True, kw_only=True):
    """What the fake WhatsApp accepted (each message id once), and what was asked of it."""

    sent: list[SimSentMessage] = field(default_factory=list)
    send_calls: int = 0
    clients_created: int = 0
    connect_calls: int = 0
    connected: bool = False
    pairing: bool = False
