"""Decisions: each transition returns the events to append and changes nothing itself."""

from datetime import datetime, timedelta

from contracts.events import (
    Event,
    MessageSendFailed,
    SessionConnected,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
    SessionPairingFailed,
    SessionPairingStarted,
    SessionReconnectRequested,
)
from contracts.events.session import DisconnectReason, LogoutReason, PairingFailureReason
from services.session.domain.actions import queue_action
from services.session.domain.errors import Refusal
from services.session.domain.policies import GiveUp, RandomSource, ReconnectPolicy, full_jitter
from services.session.domain.sending import queue_send, send_failed, send_succeeded
from services.session.domain.session import UNCOUNTED_DROPS, Session

__all__ = [
    "Refusal",
    "connected",
    "delete",
    "dropped",
    "logged_out",
    "logout",
    "pairing_failed",
    "queue_action",
    "queue_send",
    "reconnect",
    "send_failed",
    "send_succeeded",
    "start_pairing",
]


FINAL_DROPS: frozenset[DisconnectReason] = frozenset({"client_outdated"})
"""Drops no retry can cure: the session waits for a person (here: to upgrade the client)."""

_EXISTING = {
    "new",
    "pairing",
    "pairing_failed",
    "connected",
    "reconnecting",
    "needs_attention",
    "logged_out",
    "banned",
}


def _refuse_unless(s: Session, allowed: set[str]) -> None:
    if s.status == "deleted":
        raise Refusal("not_found", "no such session")
    if s.status not in allowed:
        code = {
            "connected": "already_connected",
            "reconnecting": "already_connected",
            "pairing": "not_connected",
            "pairing_failed": "not_paired",
            "new": "not_paired",
            "needs_attention": "needs_attention",
            "logged_out": "not_paired",
            "banned": "not_paired",
        }[s.status]
        raise Refusal(code, f"the session is {s.status}")


def _fail_pending(s: Session, error: str) -> list[Event]:
    return [
        MessageSendFailed(
            message_id=p.message_id,
            chat_jid=p.chat_jid,
            error=error,
            attempt=p.attempts,
            will_retry=False,
        )
        for p in s.pending.values()
    ]


def start_pairing(s: Session, method: str, phone: str | None) -> list[Event]:
    _refuse_unless(s, {"new", "pairing_failed", "logged_out", "banned"})
    return [
        SessionPairingStarted(method="phone" if method == "phone" else "qr", phone_number=phone)
    ]


def pairing_failed(
    s: Session, reason: PairingFailureReason, detail: str | None = None
) -> list[Event]:
    """A pairing that ended without a connection leaves ``pairing``, with its reason."""
    if s.status != "pairing":
        return []
    return [SessionPairingFailed(reason=reason, detail=detail)]


def connected(s: Session, *, jid: str, phone_number: str, push_name: str | None) -> list[Event]:
    if s.status not in ("pairing", "connected", "reconnecting"):
        return []
    return [SessionConnected(phone_number=phone_number, jid=jid, push_name=push_name)]


def dropped(
    s: Session,
    reason: DisconnectReason,
    *,
    now: datetime,
    policy: ReconnectPolicy,
    rand: RandomSource,
) -> list[Event]:
    if s.status not in ("connected", "reconnecting"):
        return []
    if reason in UNCOUNTED_DROPS:  # we ended that client: reconnect soon, count nothing
        retry_at = now + timedelta(seconds=full_jitter(1, policy.base_s, policy.cap_s, rand))
        return [SessionDisconnected(reason=reason, will_retry=True, retry_at=retry_at, attempt=0)]
    decision = policy.decide(policy.counted(s.reconnects, now, s.connected_at), now, rand)
    if reason in FINAL_DROPS:
        decision = GiveUp(attempts=len(s.reconnects))
    if isinstance(decision, GiveUp):
        gave_up = SessionDisconnected(
            reason=reason, will_retry=False, attempt=decision.attempts, needs_attention=True
        )
        return [gave_up, *_fail_pending(s, "session_needs_attention")]
    retry_at = now + timedelta(seconds=decision.delay_s)
    return [
        SessionDisconnected(
            reason=reason, will_retry=True, retry_at=retry_at, attempt=decision.attempt
        )
    ]


def logged_out(s: Session, reason: LogoutReason, detail: str | None = None) -> list[Event]:
    if s.status in ("new", "logged_out", "banned", "deleted"):
        return []
    error = "session_banned" if reason == "banned" else "session_logged_out"
    return [SessionLoggedOut(reason=reason, detail=detail), *_fail_pending(s, error)]


def logout(s: Session) -> list[Event]:
    _refuse_unless(s, {"pairing", "connected", "reconnecting", "needs_attention"})
    return logged_out(s, "user_request")


def reconnect(s: Session) -> list[Event]:
    _refuse_unless(s, {"needs_attention"})
    return [SessionReconnectRequested()]


def delete(s: Session) -> list[Event]:
    _refuse_unless(s, _EXISTING)
    return [*_fail_pending(s, "session_deleted"), SessionDeleted()]
