"""session.disconnected v3 (the reasons ``worker_hung``, ``worker_recycled``): v1 and v2 events
in the log still read, and a reader on the previous contracts is told the event is newer."""

import json
from typing import get_args

import pytest

from contracts.codec import DecodeError, decode_event, encode_event
from contracts.envelope import make_event
from contracts.events import CURRENT_VERSIONS, SessionDisconnected
from contracts.events.session import DisconnectReason

V2_REASONS = [
    "network", "keepalive", "connect_failure", "client_outdated", "shutdown", "lease_lost",
    "worker_crashed",
]  # fmt: skip


def _as_version(event: SessionDisconnected, version: int) -> bytes:
    raw = json.loads(encode_event(make_event(event, tenant="t", session="s")))
    raw["version"] = version
    return json.dumps(raw).encode()


def test_the_new_reasons_are_written_as_version_3() -> None:
    for reason in ("worker_hung", "worker_recycled"):
        event = SessionDisconnected(reason=reason, will_retry=True, attempt=1)  # type: ignore[arg-type]
        envelope = make_event(event, tenant="t", session="s")
        assert envelope.version == CURRENT_VERSIONS["session.disconnected"] == 3
        assert decode_event(encode_event(envelope)).payload == event


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("reason", V2_REASONS)
def test_older_events_in_the_log_are_upcast_unchanged(
    reason: DisconnectReason, version: int
) -> None:
    event = SessionDisconnected(reason=reason, will_retry=True, attempt=2)
    decoded = decode_event(_as_version(event, version))
    assert decoded.version == 3 and decoded.payload == event


def test_version_2_reasons_are_the_previous_closed_set() -> None:
    added = set(get_args(DisconnectReason)) - set(V2_REASONS)
    assert added == {"worker_hung", "worker_recycled"}


def test_a_reader_on_the_previous_contracts_is_told_the_event_is_newer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    v3 = _as_version(SessionDisconnected(reason="worker_hung", will_retry=True), 3)
    monkeypatch.setitem(CURRENT_VERSIONS, "session.disconnected", 2)
    with pytest.raises(DecodeError, match="newer than this reader"):
        decode_event(v3)
