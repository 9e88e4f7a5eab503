"""The WhatsApp port: what the session service needs from a WhatsApp client library.

Two adapters implement it: ``neonize`` (the real client) and ``simulator`` (for
development and tests, with fault injection). The service binds one ``ClientEvents``
sink per client, once, before ``connect()``; adapters translate their library's events
into these calls and never decide policy (reconnects, pacing, gating) themselves.
"""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Literal

from msgspec import Struct

from contracts.chat_commands import NumberCheck, PresenceState
from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from contracts.events.message import DeliveryStatus, MediaKind
from contracts.events.session import LogoutReason, PairingFailureReason
from contracts.media import MediaDescriptor

__all__ = [
    "ClientEvents",
    "ContactInfo",
    "DownloadFailed",
    "DropReason",
    "IncomingMessage",
    "OutgoingMedia",
    "SendFailed",
    "Undecryptable",
    "WhatsAppClient",
    "WhatsAppPort",
]

DropReason = Literal[
    "network",
    "keepalive",
    "connect_failure",
    "client_outdated",
    "worker_crashed",
    "worker_hung",
    "worker_recycled",
]


class IncomingMessage(Struct, frozen=True, kw_only=True):
    message_id: str
    chat_jid: str
    sender_jid: str
    sender_phone_jid: str | None = None
    sender_lid: str | None = None
    push_name: str | None = None
    is_group: bool = False
    from_me: bool = False
    text: str | None = None
    media_kind: MediaKind | None = None
    sent_at: datetime
    is_offline: bool = False  # delivered late: offline sync or history
    media: MediaDescriptor | None = None  # a file, fetched later with download_media(media_ref)
    media_ref: bytes = b""  # what the adapter needs to fetch it (a secret: never in the log)
    reply_to: str | None = None  # the id of the message this one quotes
    location: Location | None = None
    contact: ContactCard | None = None
    target_id: str | None = None  # with ``action``: this message reacts to, edits or revokes it
    action: MessageAction | None = None


class Undecryptable(Struct, frozen=True, kw_only=True):
    """A message that arrived but could not be decrypted (no content, only its address)."""

    message_id: str
    chat_jid: str
    sender_jid: str
    is_group: bool = False
    sent_at: datetime
    unavailable: bool = False  # the phone has not shared it with this device yet


class OutgoingMedia(Struct, frozen=True, kw_only=True):
    """A file to send: its bytes in a local file (the caller's, removed after the send), so
    the service never holds them whole; a worker process on this host reads the same path."""

    descriptor: MediaDescriptor  # kind, mime, caption, filename; size and sha256 of the bytes
    path: str


class ContactInfo(Struct, frozen=True, kw_only=True):
    jid: str
    lid: str | None = None
    push_name: str | None = None
    saved_name: str | None = None

    @classmethod
    def of_sender(
        cls, phone: str | None, lid: str | None, name: str | None
    ) -> "ContactInfo | None":
        """What a message teaches of its sender: a name, or its two addresses linked; None
        for one address and no name (nothing to learn)."""
        jid = phone or lid
        if jid is None or (name is None and (phone is None or lid is None)):
            return None
        return cls(jid=jid, lid=lid, push_name=name)


class SendFailed(Exception):
    """WhatsApp refused or did not confirm a send; ``retryable`` says if trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class DownloadFailed(Exception):
    """A received file could not be fetched (now: trying again may help)."""


class ClientEvents(ABC):
    """What a client reports. Bound once per client, before connect()."""

    @abstractmethod
    async def on_qr(self, code: str, expires_at: datetime) -> None:
        """A new QR code to show (a secret: never log it, never put it in the event log)."""

    @abstractmethod
    async def on_connected(self, *, jid: str, push_name: str | None) -> None:
        """Logged in and online; ``jid`` is our own (device-suffixed) user JID."""

    @abstractmethod
    async def on_dropped(self, reason: DropReason) -> None:
        """The connection was lost for a transient reason; policy decides what happens next."""

    @abstractmethod
    async def on_logged_out(self, reason: LogoutReason, detail: str | None = None) -> None:
        """Logged out, stream replaced, or banned: never retried automatically."""

    @abstractmethod
    async def on_pairing_failed(
        self, reason: PairingFailureReason, detail: str | None = None
    ) -> None:
        """Pairing ended without a connection (codes ran out, cancelled, client outdated)."""

    @abstractmethod
    async def on_message(self, message: IncomingMessage) -> None:
        """A message arrived (or was synced late: see ``is_offline``)."""

    @abstractmethod
    async def on_receipt(
        self, *, chat_jid: str, message_ids: list[str], status: DeliveryStatus
    ) -> None:
        """Messages we sent were delivered, read or played."""

    @abstractmethod
    async def on_contact(self, contact: ContactInfo) -> None:
        """Something new was learned about a contact (push name, LID ↔ phone JID)."""

    async def on_undecryptable(self, message: Undecryptable) -> None:  # noqa: B027
        """A message arrived that could not be read (an adapter without them never calls it)."""


class WhatsAppClient(ABC):
    """One WhatsApp connection (one number, one device). Every call is logged by the service."""

    @abstractmethod
    async def connect(self) -> None:
        """Start connecting; an unpaired device then reports QR codes through on_qr."""

    @abstractmethod
    async def pair_phone(self, phone: str) -> str:
        """Ask for a phone pairing code for ``phone`` (E.164); returns the code (a secret)."""

    @abstractmethod
    async def send_text(
        self, *, chat_jid: str, text: str, message_id: str, quote: Quote | None = None
    ) -> None:
        """Send ``text`` (quoting ``quote``), reusing ``message_id`` on every retry. Raises
        SendFailed."""

    @abstractmethod
    async def send_media(
        self, *, chat_jid: str, media: OutgoingMedia, message_id: str, quote: Quote | None = None
    ) -> None:
        """Upload and send a file as a message of its kind, reusing ``message_id``. Raises
        SendFailed."""

    @abstractmethod
    async def send_card(
        self, *, chat_jid: str, card: Location | ContactCard, message_id: str,
        quote: Quote | None = None,
    ) -> None:  # fmt: skip
        """Send a location or a contact card (as a vCard), reusing ``message_id``. Raises
        SendFailed."""

    @abstractmethod
    async def send_action(
        self, *, target: MessageRef, action: MessageAction, message_id: str
    ) -> None:
        """React to, edit or revoke ``target`` (in its chat), reusing ``message_id``. Raises
        SendFailed."""

    @abstractmethod
    async def download_media(self, *, media_ref: bytes) -> bytes:
        """The bytes of a received file (``IncomingMessage.media_ref``). Raises
        DownloadFailed."""

    @abstractmethod
    async def mark_read(
        self, *, chat_jid: str, sender_jid: str | None, message_ids: list[str], read_at: datetime
    ) -> None:
        """Send read receipts for incoming messages (one sender's, in a group). Raises
        SendFailed."""

    @abstractmethod
    async def send_presence(self, *, chat_jid: str, state: PresenceState) -> None:
        """Show typing / recording in a chat, or stop showing it. Raises SendFailed."""

    @abstractmethod
    async def check_numbers(self, phones: list[str]) -> list[NumberCheck]:
        """Which numbers (digits, with country code) have WhatsApp; one answer per input, in
        order (``input``: the digits asked). Raises SendFailed."""

    @abstractmethod
    async def profile_picture(self, jid: str) -> bytes | None:
        """The profile picture of a user or group; None when there is none or it is hidden.
        Raises SendFailed."""

    @abstractmethod
    async def logout(self) -> None:
        """Log this device out of WhatsApp (the phone shows it unlinked)."""

    @abstractmethod
    async def disconnect(self) -> None:
        """Stop the client and its reconnect loop; keep the device credentials."""

    @abstractmethod
    async def forget(self) -> None:
        """Delete the device credentials (after logout, for a deleted session)."""


class WhatsAppPort(ABC):
    """Makes clients. The service makes at most one live client per session."""

    @abstractmethod
    def new_client(self, *, tenant: str, session: str, events: ClientEvents) -> WhatsAppClient:
        """A client for the session, with its events bound once."""
