"""session.disconnected v2 (the reason ``client_outdated``): the log's v1 events still read,
and a reader on the previous contracts gets the documented "newer" error, not a bad value."""

import json
from typing import get_args

import pytest

from contracts.codec import DecodeError, decode_event, encode_event
from contracts.envelope import make_event
from contracts.events import CURRENT_VERSIONS, SessionDisconnected
from contracts.events.session import DisconnectReason

V1_REASONS = ["network", "keepalive", "connect_failure", "shutdown", "lease_lost"]


def _as_version(event: SessionDisconnected, version: int) -> bytes:
    raw = json.loads(encode_event(make_event(event, tenant="t", session="s")))
    raw["version"] = version
    return json.dumps(raw).encode()


def test_client_outdated_is_written_as_version_2_or_later() -> None:
    event = SessionDisconnected(reason="client_outdated", will_retry=False, needs_attention=True)
    envelope = make_event(event, tenant="t", session="s")
    assert envelope.version == CURRENT_VERSIONS["session.disconnected"] >= 2
    assert decode_event(encode_event(envelope)).payload == event


@pytest.mark.parametrize("reason", [*V1_REASONS, "client_outdated"])
def test_a_version_1_event_in_the_log_is_upcast_unchanged(reason: DisconnectReason) -> None:
    """Also ``client_outdated``: such v1 events were written before the version was bumped."""
    event = SessionDisconnected(reason=reason, will_retry=True, attempt=3)
    decoded = decode_event(_as_version(event, 1))
    assert decoded.version == CURRENT_VERSIONS["session.disconnected"]
    assert decoded.payload == event


def test_version_1_reasons_are_the_previous_closed_set() -> None:
    added = set(get_args(DisconnectReason)) - set(V1_REASONS)
    assert added == {"client_outdated", "worker_crashed", "worker_hung", "worker_recycled"}


def test_a_reader_on_the_previous_contracts_is_told_the_event_is_newer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    v2 = _as_version(SessionDisconnected(reason="client_outdated", will_retry=False), 2)
    monkeypatch.setitem(CURRENT_VERSIONS, "session.disconnected", 1)  # wa-contracts 1.x
    with pytest.raises(DecodeError, match="newer than this reader"):
        decode_event(v2)
