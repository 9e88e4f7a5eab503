"""The table of outcomes: every neonize event type and connect-failure reason has one, and
the classes mean what the service does with them."""

from datetime import UTC, datetime

import pytest
from neonize.aioze import events as ev
from neonize.events import EVENT_TO_INT, UndecryptableMessageEv
from neonize.proto.Neonize_pb2 import ConnectFailureReason

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.connection import connection_signal
from services.session.adapters.whatsapp.neonize.outcomes import (
    CONNECT_FAILURES,
    EVENTS,
    send_error_outcome,
)
from services.session.adapters.whatsapp.neonize.send_errors import send_failed
from services.session.domain import transitions as t
from services.session.domain.policies import ReconnectPolicy
from services.session.domain.session import Session

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_every_event_neonize_delivers_is_in_the_table() -> None:
    delivered = {name.removesuffix("Ev") for name in dir(ev) if name.endswith("Ev")}
    assert delivered | {"UndecryptableMessage"} == set(EVENTS)
    assert UndecryptableMessageEv in EVENT_TO_INT  # delivered, though aioze does not export it


def test_every_connect_failure_reason_is_in_the_table() -> None:
    assert set(ConnectFailureReason.keys()) == set(CONNECT_FAILURES)


def test_client_outdated_is_final_as_an_event_and_as_a_connect_failure() -> None:
    assert connection_signal(ev.ClientOutdatedEv(), now=NOW) == s.Dropped(
        reason="client_outdated", detail="WhatsApp refuses this client: upgrade"
    )
    failure = ev.ConnectFailureEv(Reason=ConnectFailureReason.CLIENT_OUTDATED)
    dropped = connection_signal(failure, now=NOW)
    assert isinstance(dropped, s.Dropped) and dropped.reason == "client_outdated"


def test_an_outdated_client_is_never_retried_by_the_policy() -> None:
    session = Session(tenant="t", session="s", status="connected")
    events = t.dropped(
        session, "client_outdated", now=NOW, policy=ReconnectPolicy(), rand=lambda: 0.5
    )
    assert [(e.will_retry, e.needs_attention) for e in events] == [(False, True)]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "error",
    [
        "timed out waiting for message send response",
        "failed to send message: websocket disconnected before message send returned response",
    ],
)
def test_a_send_that_may_have_left_is_ambiguous_and_never_retried(error: str) -> None:
    assert send_error_outcome(error) == "ambiguous"
    failed = send_failed(error)
    assert not failed.retryable and "may have been delivered" in str(failed)


def test_a_send_whatsapp_refused_is_final_and_one_that_never_left_is_retried() -> None:
    assert not send_failed("server returned error 479").retryable
    assert send_failed("failed to get device list: info query timed out").retryable
    assert send_failed("websocket not connected").retryable
    assert send_failed("something new from whatsmeow").retryable  # bounded by the policy


def test_a_missed_keepalive_is_a_drop_only_at_the_threshold() -> None:
    for errors in (1, 2):
        missed = connection_signal(ev.KeepAliveTimeoutEv(ErrorCount=errors), now=NOW)
        assert missed == s.KeepAliveMissed(errors=errors)
    dropped = connection_signal(ev.KeepAliveTimeoutEv(ErrorCount=3), now=NOW)
    assert dropped == s.Dropped(reason="keepalive", detail="errors=3")


def test_a_stream_error_is_a_drop_not_silence() -> None:
    dropped = connection_signal(ev.StreamErrorEv(Code="503"), now=NOW)
    assert isinstance(dropped, s.Dropped) and dropped.reason == "network"
