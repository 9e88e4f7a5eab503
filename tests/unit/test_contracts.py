"""Envelopes, the codec, upcasting, subjects, ids and the schema document."""

import json
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from contracts import upcasting
from contracts.codec import DecodeError, decode_event, encode_event
from contracts.envelope import make_event
from contracts.events import CURRENT_VERSIONS, EVENT_TYPES, MessageReceived, SessionCreated
from contracts.ids import is_valid_id, new_id
from contracts.schema import json_schema
from contracts.subjects import event_filter, event_subject, parse_event_subject


def test_envelope_round_trips_through_the_codec() -> None:
    event = make_event(
        MessageReceived(
            message_id="ABC",
            chat_jid="201234567890@s.whatsapp.net",
            sender_jid="201234567890@s.whatsapp.net",
            text="hi",
            sent_at=datetime(2026, 1, 1, tzinfo=UTC),
            is_old=True,
        ),
        tenant="t1",
        session="s1",
        correlation_id="c1",
    )
    assert decode_event(encode_event(event)) == event
    assert event.type == "message.received" and event.version == 3  # v2: + media; v3: + replies


def test_ids_are_uuid7_sortable_and_subject_safe() -> None:
    ids = [new_id() for _ in range(5000)]  # thousands share a millisecond
    assert all(i[14] == "7" for i in ids)
    assert all(is_valid_id(i) for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # in the order they were made
    assert not is_valid_id("a.b") and not is_valid_id("a*") and not is_valid_id("")
    assert not is_valid_id("abc\n") and not is_valid_id("\nabc")  # no final newline either


def test_subjects_carry_tenant_session_and_type() -> None:
    subject = event_subject("t1", "s1", "session.connected")
    assert subject == "wa.evt.t1.s1.session.connected"
    assert parse_event_subject(subject) == ("t1", "s1", "session.connected")
    assert event_filter(session="s1") == "wa.evt.*.s1.>"
    with pytest.raises(ValueError):
        parse_event_subject("wa.cmd.x")


def test_garbage_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode_event(b"{not json")
    with pytest.raises(DecodeError):
        decode_event(b'{"type": "no.such_type", "version": 1}')


def test_an_old_version_is_upcast_on_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A v2 of session.created renames ``name`` to ``label``: v1 events in the log still read."""

    class SessionCreatedV2(msgspec.Struct, frozen=True, kw_only=True, tag="session.created"):
        label: str

    v1 = encode_event(make_event(SessionCreated(name="Sales"), tenant="t", session="s"))

    def to_v2(payload: dict[str, Any]) -> dict[str, Any]:
        payload["label"] = payload.pop("name")
        return payload

    monkeypatch.setitem(upcasting._UPCASTERS, ("session.created", 1), to_v2)
    monkeypatch.setitem(CURRENT_VERSIONS, "session.created", 2)
    raw = json.loads(v1)
    upgraded = upcasting.upcast("session.created", 1, raw["payload"], 2)
    assert upgraded["label"] == "Sales" and "name" not in upgraded
    assert msgspec.convert(upgraded, SessionCreatedV2).label == "Sales"


def test_a_missing_upcaster_is_a_decode_error(monkeypatch: pytest.MonkeyPatch) -> None:
    v1 = encode_event(make_event(SessionCreated(name="Sales"), tenant="t", session="s"))
    monkeypatch.setitem(CURRENT_VERSIONS, "session.created", 2)
    with pytest.raises(DecodeError, match="no upcaster"):
        decode_event(v1)


def test_a_newer_version_than_the_reader_is_refused() -> None:
    raw = json.loads(encode_event(make_event(SessionCreated(name="x"), tenant="t", session="s")))
    raw["version"] = 9
    with pytest.raises(DecodeError, match="newer"):
        decode_event(json.dumps(raw).encode())


def test_schema_covers_every_event_and_command() -> None:
    schema = json_schema()
    defs = schema["$defs"]
    for cls in EVENT_TYPES.values():
        assert cls.__name__ in defs
    for name in ("Envelope", "CreateSession", "PairSession", "SendText", "Accepted", "Refused"):
        assert name in defs
    assert set(schema["x-events"]) == set(EVENT_TYPES)
