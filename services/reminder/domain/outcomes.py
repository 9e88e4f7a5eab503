"""What a send's outcome does to its reminder: the session service's reply to SendText, and
the message.* events it logs later. Pure, like the transitions it chooses."""

from datetime import datetime
from random import Random

from contracts.commands import CommandReply, Refused
from contracts.events import MessageSendFailed, MessageSent, MessageStatus
from services.reminder.domain.change import Change
from services.reminder.domain.model import ReminderRow
from services.reminder.domain.policy import ReminderPolicy
from services.reminder.domain.transitions import attempt_failed, await_retry, defer, fail, sent

__all__ = ["NOT_CONNECTED", "Outcome", "logged_outcome", "replied", "unanswered"]

NOT_CONNECTED = frozenset({"not_connected"})
Outcome = MessageSent | MessageStatus | MessageSendFailed


def replied(row: ReminderRow, reply: CommandReply, now: datetime) -> Change | None:
    """The session service answered a dispatched reminder's SendText."""
    if not isinstance(reply, Refused):  # accepted: the outcome arrives as message.* events
        return None
    if reply.code in NOT_CONNECTED:
        return defer(row, "session_not_connected", now)
    if reply.code == "not_found":
        return fail(row, "session_deleted", now, expect=["dispatched"])
    detail = f"{reply.code}: {reply.message}"
    return fail(row, "refused", now, detail=detail, expect=["dispatched"])


def unanswered(
    row: ReminderRow, error: str, now: datetime, policy: ReminderPolicy, rng: Random
) -> Change | None:
    """Nobody answered the SendText (or no outcome came in time): an attempt failed."""
    return attempt_failed(row, f"session_service_unavailable: {error}", now, policy, rng)


def logged_outcome(
    row: ReminderRow, outcome: Outcome, now: datetime, policy: ReminderPolicy
) -> Change | None:
    """A message.* event of the reminder's message id, from its own session."""
    match outcome:
        case MessageSent() | MessageStatus():
            return sent(row, now)
        case MessageSendFailed(will_retry=True):  # the session service retries: wait for it
            return await_retry(row, outcome.next_attempt_at, now, policy)
        case MessageSendFailed():  # its retries are spent; the same message id again: a no-op
            return fail(row, "send_failed", now, detail=outcome.error,
                        expect=["dispatched", "retrying"])  # fmt: skip
