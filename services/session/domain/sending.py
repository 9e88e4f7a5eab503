"""Decisions about sends: queue, sent, failed (bounded retries). They change nothing themselves."""

from datetime import UTC, datetime, timedelta

from contracts.conversation import ContactCard, Location, Quote
from contracts.events import Event, MessageQueued, MessageSendFailed, MessageSent
from contracts.media import MediaDescriptor
from services.session.domain.actions import action_done
from services.session.domain.errors import Refusal
from services.session.domain.policies import GiveUp, RandomSource, SendRetryPolicy
from services.session.domain.reads import read_done
from services.session.domain.session import Session

__all__ = ["queue_send", "send_failed", "send_succeeded"]


def queue_send(
    s: Session,
    *,
    message_id: str,
    chat_jid: str,
    text: str,
    reminder_id: str | None,
    media: MediaDescriptor | None = None,
    quote: Quote | None = None,
    location: Location | None = None,
    contact: ContactCard | None = None,
) -> list[Event]:
    if s.status == "deleted":
        raise Refusal("not_found", "no such session")
    if s.status != "connected":
        raise Refusal("not_connected", f"the session is {s.status}; nothing was sent")
    return [
        MessageQueued(
            message_id=message_id,
            chat_jid=chat_jid,
            text=text,
            reminder_id=reminder_id,
            media=media,
            quote=quote,
            location=location,
            contact=contact,
        )
    ]


def send_succeeded(s: Session, message_id: str, now: datetime | None = None) -> list[Event]:
    """A send WhatsApp took: ``message.sent``, or for an action or a receipt its fact."""
    item = s.pending.get(message_id)
    if item is None:
        return []
    if item.reads is not None:
        return read_done(item)
    if item.action is not None:
        return action_done(s, item, now or datetime.now(UTC))
    return [MessageSent(message_id=message_id, chat_jid=item.chat_jid, attempt=item.attempts + 1)]


def send_failed(
    s: Session,
    message_id: str,
    *,
    error: str,
    retryable: bool,
    now: datetime,
    policy: SendRetryPolicy,
    rand: RandomSource,
) -> list[Event]:
    item = s.pending.get(message_id)
    if item is None:
        return []
    attempt = item.attempts + 1
    decision = policy.decide(attempt, retryable, rand)
    next_at = None if isinstance(decision, GiveUp) else now + timedelta(seconds=decision.delay_s)
    return [
        MessageSendFailed(
            message_id=message_id,
            chat_jid=item.chat_jid,
            error=error,
            attempt=attempt,
            will_retry=next_at is not None,
            next_attempt_at=next_at,
        )
    ]
