"""Events about a WhatsApp session (a number) and its connection."""

from datetime import datetime
from typing import Literal

from msgspec import Struct

__all__ = [
    "DisconnectReason",
    "LogoutReason",
    "PairingFailureReason",
    "SendPacing",
    "SessionConnected",
    "SessionCreated",
    "SessionDeleted",
    "SessionDisconnected",
    "SessionLoggedOut",
    "SessionPairingFailed",
    "SessionPairingStarted",
    "SessionReconnectRequested",
]

# Version 2 of session.disconnected added client_outdated (WhatsApp refuses this client
# version: final, never retried) and worker_crashed (the process that ran the session's
# neonize client ended; it is restarted); version 3 added worker_hung (that process stopped
# answering its heartbeat and was killed; counted like a crash) and worker_recycled (the
# service ended that process on purpose, e.g. too many stuck threads; reconnected at once and
# not counted as a reconnect attempt); a closed set only grows in a new version.
DisconnectReason = Literal[
    "network",
    "keepalive",
    "connect_failure",
    "client_outdated",
    "shutdown",
    "lease_lost",
    "worker_crashed",
    "worker_hung",
    "worker_recycled",
]
LogoutReason = Literal["logout", "replaced", "banned", "user_request"]
# codes_exhausted: every QR code expired unscanned; connect_failed: WhatsApp could not be
# reached or refused the connection; cancelled: the phone or WhatsApp ended the pairing;
# client_outdated: WhatsApp refuses this client version; timeout: neither a QR code nor a
# connection came in time after connecting.
PairingFailureReason = Literal[
    "codes_exhausted", "connect_failed", "cancelled", "client_outdated", "timeout"
]


class SendPacing(Struct, frozen=True, kw_only=True):
    """Outbound pacing of one session: a token bucket with minimum spacing and jitter."""

    per_minute: float = 20.0
    burst: int = 5
    min_spacing_s: float = 1.0
    jitter_s: float = 2.0


class SessionCreated(Struct, frozen=True, kw_only=True, tag="session.created"):
    name: str
    pacing: SendPacing | None = None  # None: the service's defaults


class SessionPairingStarted(Struct, frozen=True, kw_only=True, tag="session.pairing_started"):
    method: Literal["qr", "phone"]
    phone_number: str | None = None


class SessionPairingFailed(Struct, frozen=True, kw_only=True, tag="session.pairing_failed"):
    """A pairing ended without a connection; the session waits for a new pairing request."""

    reason: PairingFailureReason
    detail: str | None = None


class SessionConnected(Struct, frozen=True, kw_only=True, tag="session.connected"):
    phone_number: str
    jid: str
    push_name: str | None = None


class SessionDisconnected(Struct, frozen=True, kw_only=True, tag="session.disconnected"):
    reason: DisconnectReason
    will_retry: bool
    retry_at: datetime | None = None
    attempt: int = 0
    needs_attention: bool = False


class SessionLoggedOut(Struct, frozen=True, kw_only=True, tag="session.logged_out"):
    reason: LogoutReason
    detail: str | None = None


class SessionDeleted(Struct, frozen=True, kw_only=True, tag="session.deleted"):
    pass


class SessionReconnectRequested(
    Struct, frozen=True, kw_only=True, tag="session.reconnect_requested"
):
    """A person asked a session that was waiting for attention to connect again."""
