"""Commands the session service accepts, and the one reply shape for every command."""

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from msgspec import Struct, field

from contracts.chat_commands import (
    CheckNumbers,
    GetProfilePicture,
    MarkChatRead,
    NumbersChecked,
    ProfilePicture,
    SendPresence,
    SetSessionOptions,
)
from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from contracts.events.session import SendPacing
from contracts.groups import GroupCommand, GroupResult
from contracts.media import MediaDescriptor

__all__ = [
    "Accepted",
    "ActOnMessage",
    "CommandReply",
    "CreateSession",
    "DeleteSession",
    "GetQr",
    "LogoutSession",
    "PairSession",
    "ReconnectSession",
    "Refused",
    "SendCard",
    "SendMedia",
    "SendText",
    "SessionCommand",
]


class CreateSession(Struct, frozen=True, kw_only=True, tag="create"):
    tenant: str
    session: str
    name: str
    correlation_id: str | None = None
    pacing: SendPacing | None = None  # None: the service's defaults
    typing_before_send: bool = False  # show "typing…" before each send (session.options_changed)


class PairSession(Struct, frozen=True, kw_only=True, tag="pair"):
    tenant: str
    session: str
    method: Literal["qr", "phone"] = "qr"
    phone: str | None = None
    correlation_id: str | None = None


class LogoutSession(Struct, frozen=True, kw_only=True, tag="logout"):
    tenant: str
    session: str
    correlation_id: str | None = None


class ReconnectSession(Struct, frozen=True, kw_only=True, tag="reconnect"):
    tenant: str
    session: str
    correlation_id: str | None = None


class DeleteSession(Struct, frozen=True, kw_only=True, tag="delete"):
    tenant: str
    session: str
    correlation_id: str | None = None


class SendText(Struct, frozen=True, kw_only=True, tag="send_text"):
    tenant: str
    session: str
    to: str
    text: str
    message_id: str | None = None
    reminder_id: str | None = None
    correlation_id: str | None = None
    reply_to: Quote | None = None  # a quoted reply, looked up by the gateway


class SendMedia(Struct, frozen=True, kw_only=True, tag="send_media"):
    """Send an uploaded file (``media.upload_id``), its type already checked by the gateway."""

    tenant: str
    session: str
    to: str
    media: MediaDescriptor
    message_id: str | None = None
    correlation_id: str | None = None
    reply_to: Quote | None = None


class SendCard(Struct, frozen=True, kw_only=True, tag="send_card"):
    """Send a location or a contact card (exactly one of them)."""

    tenant: str
    session: str
    to: str
    location: Location | None = None
    contact: ContactCard | None = None
    message_id: str | None = None
    correlation_id: str | None = None
    reply_to: Quote | None = None


class ActOnMessage(Struct, frozen=True, kw_only=True, tag="act_on_message"):
    """React to, edit or revoke ``target`` (as the gateway found it in the store)."""

    tenant: str
    session: str
    target: MessageRef
    action: MessageAction
    action_id: str | None = None
    correlation_id: str | None = None


class GetQr(Struct, frozen=True, kw_only=True, tag="get_qr"):
    """The current QR code of a pairing session (answered in the reply, never logged)."""

    tenant: str
    session: str
    correlation_id: str | None = None


SessionCommand = (
    CreateSession
    | PairSession
    | LogoutSession
    | ReconnectSession
    | DeleteSession
    | SendText
    | SendMedia
    | SendCard
    | ActOnMessage
    | GetQr
    | GroupCommand
    | MarkChatRead
    | SendPresence
    | CheckNumbers
    | GetProfilePicture
    | SetSessionOptions
)


class Accepted(Struct, frozen=True, kw_only=True, tag="accepted"):
    """The command was taken. ``sequence`` is the stream sequence of the last event it appended."""

    session: str | None = None
    message_id: str | None = None
    status: str | None = None
    sequence: int | None = None
    pairing_code: str | None = None
    qr: str | None = None  # a secret: shown to the person pairing, never logged
    qr_expires_at: datetime | None = None
    reminder_ids: list[str] | None = None  # reminder commands: the reminders made or changed
    appointment_id: str | None = None  # appointment commands
    group: GroupResult | None = None  # group commands (contracts.groups)


class Refused(Struct, frozen=True, kw_only=True, tag="refused"):
    """The command changed nothing. ``code`` is stable and machine-readable."""

    code: str
    message: str
    details: Mapping[str, str | int] = field(default_factory=dict)  # ints: limits, counts


CommandReply = Accepted | Refused | NumbersChecked | ProfilePicture
