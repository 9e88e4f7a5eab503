"""What a send's outcome decides (the session service's reply, then its message.* events), and
the connectivity gate learned from session.* events."""

import random
from datetime import timedelta

from contracts.commands import Accepted, Refused
from contracts.events import (
    MessageSendFailed,
    MessageSent,
    MessageStatus,
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
    SessionPairingStarted,
)
from services.reminder.domain.gate import GateState, gate_after, newer
from services.reminder.domain.outcomes import logged_outcome, replied, unanswered
from services.reminder.domain.policy import ReminderPolicy
from tests.unit.reminder.domain_support import NOW, S, after, row

POLICY = ReminderPolicy(max_attempts=2, outcome_timeout_s=120)
DISPATCHED = row(status="dispatched", attempts=1)


def test_an_accepted_send_waits_for_its_outcome_in_the_log() -> None:
    assert replied(DISPATCHED, Accepted(message_id="3EB0AA", status="queued"), NOW) is None


def test_a_refused_send_defers_when_down_and_fails_otherwise() -> None:
    down = after(replied(DISPATCHED, Refused(code="not_connected", message="down"), NOW))
    assert down.status == "deferred" and down.last_reason == "session_not_connected"
    gone = after(replied(DISPATCHED, Refused(code="not_found", message="no"), NOW))
    assert (gone.status, gone.last_reason) == ("failed", "session_deleted")
    other = after(replied(DISPATCHED, Refused(code="too_big", message="no"), NOW))
    assert (other.status, other.last_reason) == ("failed", "refused: too_big: no")


def test_an_unanswered_send_is_an_attempt_failed() -> None:
    retry = after(unanswered(DISPATCHED, "timeout", NOW, POLICY, random.Random(0)))
    assert retry.status == "retrying"
    assert retry.last_reason == "session_service_unavailable: timeout"


def test_the_logged_outcome_of_its_message_ends_or_extends_the_reminder() -> None:
    delivered = MessageStatus(message_id="3EB0AA", chat_jid="c", status="delivered")
    for outcome in (MessageSent(message_id="3EB0AA", chat_jid="c"), delivered):
        assert after(logged_outcome(DISPATCHED, outcome, NOW, POLICY)).status == "sent"
    later = NOW + 30 * S
    again = MessageSendFailed(message_id="3EB0AA", chat_jid="c", error="e", attempt=1,
                              will_retry=True, next_attempt_at=later)  # fmt: skip
    waiting = after(logged_outcome(DISPATCHED, again, NOW, POLICY))
    assert waiting.status == "dispatched" and waiting.wake_at == later + timedelta(seconds=120)
    spent = MessageSendFailed(message_id="3EB0AA", chat_jid="c", error="e", attempt=3,
                              will_retry=False)  # fmt: skip
    failed = after(logged_outcome(row(status="retrying", attempts=1), spent, NOW, POLICY))
    assert (failed.status, failed.last_reason) == ("failed", "send_failed: e")
    assert logged_outcome(row(status="sent"), spent, NOW, POLICY) is None


def test_the_gate_follows_session_events_and_never_goes_back_in_time() -> None:
    def at(event: object, seq: int) -> GateState | None:
        return gate_after(event, tenant="t1", session="s1", sequence=seq)  # type: ignore[arg-type]

    created, up = (
        at(SessionCreated(name="x"), 1),
        at(SessionConnected(phone_number="+1", jid="j"), 2),
    )
    assert created is not None and not created.connected and not created.deleted
    assert up is not None and up.connected and newer(created, up) and newer(None, up)
    for down in (SessionDisconnected(reason="network", will_retry=True),
                 SessionLoggedOut(reason="logout")):  # fmt: skip
        state = at(down, 3)
        assert state is not None and not state.connected
    deleted = at(SessionDeleted(), 4)
    assert deleted is not None and deleted.deleted
    assert not newer(deleted, up)  # an instance replaying behind cannot undo the deletion
    assert at(SessionPairingStarted(method="qr"), 5) is None
