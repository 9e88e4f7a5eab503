"""A pairing that ends without a connection leaves ``pairing`` with its reason."""

from datetime import UTC, datetime

import pytest

from contracts.events import SessionCreated, SessionPairingFailed
from services.session.domain import transitions as t
from services.session.domain.errors import Refusal
from services.session.domain.session import Session

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def pairing() -> Session:
    s = Session(tenant="t", session="s")
    s.apply(SessionCreated(name="Sales"), T0)
    for event in t.start_pairing(s, "qr", None):
        s.apply(event, T0)
    return s


def test_a_failed_pairing_is_an_event_and_a_status_with_its_reason() -> None:
    s = pairing()
    events = t.pairing_failed(s, "codes_exhausted", "6 codes")
    assert events == [SessionPairingFailed(reason="codes_exhausted", detail="6 codes")]
    s.apply(events[0], T0)
    assert (s.status, s.pairing_failure) == ("pairing_failed", "codes_exhausted")


def test_a_failed_pairing_can_be_paired_again_and_the_reason_is_cleared() -> None:
    s = pairing()
    s.apply(t.pairing_failed(s, "connect_failed")[0], T0)
    for event in t.start_pairing(s, "qr", None):
        s.apply(event, T0)
    assert (s.status, s.pairing_failure) == ("pairing", None)


def test_only_a_pairing_session_can_fail_to_pair() -> None:
    s = pairing()
    s.apply(t.connected(s, jid="2012@s.whatsapp.net", phone_number="2012", push_name=None)[0], T0)
    assert t.pairing_failed(s, "timeout") == []


def test_a_failed_pairing_refuses_logout_as_not_paired_and_can_be_deleted() -> None:
    s = pairing()
    s.apply(t.pairing_failed(s, "cancelled")[0], T0)
    with pytest.raises(Refusal) as refused:
        t.logout(s)
    assert refused.value.code == "not_paired"
    assert t.delete(s)
