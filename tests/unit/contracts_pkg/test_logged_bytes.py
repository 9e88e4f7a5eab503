"""An event read from the log goes on as the bytes it was logged as (``decode_logged``, then
``passed_on``), unless it was upcast (an older version) or would not fit on one line."""

import json

from contracts.codec import decode_event, decode_logged, encode_event, passed_on
from contracts.envelope import make_event
from contracts.events import CURRENT_VERSIONS, SessionCreated, SessionDisconnected
from runtime.messaging import Delivered
from tests.support.logged import as_logged_elsewhere

ENVELOPE = make_event(SessionCreated(name="Sales"), tenant="t1", session="s1")


def test_the_current_version_is_passed_on_as_logged() -> None:
    data = as_logged_elsewhere(ENVELOPE)
    assert data != encode_event(ENVELOPE)  # re-encoding would change it
    envelope, logged = decode_logged(data)
    assert logged is data and envelope == ENVELOPE
    assert Delivered(1, envelope, logged).encoded() is data


def test_an_older_version_goes_on_upcast_and_encoded_again() -> None:
    old = make_event(
        SessionDisconnected(reason="network", will_retry=True), tenant="t", session="s"
    )
    raw = json.loads(encode_event(old))
    raw["version"] = 1
    envelope, logged = decode_logged(json.dumps(raw, separators=(",", ":")).encode())
    assert envelope.version == CURRENT_VERSIONS["session.disconnected"] > 1
    assert logged == b""
    out = Delivered(1, envelope, logged).encoded()
    assert out == encode_event(envelope) and json.loads(out)["version"] == envelope.version


def test_bytes_with_a_line_break_are_encoded_again() -> None:
    """An SSE ``data:`` line may not hold one; a webhook body with a media link is spliced."""
    data = json.dumps(json.loads(encode_event(ENVELOPE)), indent=1).encode()
    envelope, logged = decode_logged(data)
    assert logged is data and envelope == decode_event(data)
    assert passed_on(envelope, logged) == encode_event(ENVELOPE)


def test_an_event_made_here_is_encoded() -> None:
    assert Delivered(7, ENVELOPE).encoded() == encode_event(ENVELOPE)
