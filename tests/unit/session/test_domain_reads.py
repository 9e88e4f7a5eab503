"""Our read receipts, decided by the pure session domain: queued into the session's state (one
receipt per sender in a group, nothing queued twice), their fact once WhatsApp took one
(which finishes the pending item), and a final failure when the session is logged out."""

import itertools
from datetime import timedelta

import msgspec

from contracts.chat_commands import ReadRef
from contracts.events import ChatRead, ChatReadQueued, MessageSendFailed
from services.session.domain import transitions as t
from services.session.domain.reads import queue_read, queued_reads
from services.session.domain.session import Session
from tests.unit.session.test_domain_session import T0, applied, connected_session

PERSON = "201000000001@s.whatsapp.net"
GROUP = "120363000000000001@g.us"
ALICE, BOB = "201000000002@s.whatsapp.net", "201000000003@s.whatsapp.net"


def ref(message_id: str, sender: str | None = None, minutes: int = 0) -> ReadRef:
    return ReadRef(
        message_id=message_id, sender_jid=sender, sent_at=T0 + timedelta(minutes=minutes)
    )


def read(s: Session, chat: str, refs: list[ReadRef]) -> list[ChatReadQueued]:
    ids = (f"r{n}" for n in itertools.count(len(s.pending) + len(s.finished)))
    events = queue_read(s, chat_jid=chat, messages=refs, make_id=lambda: next(ids))
    assert all(isinstance(e, ChatReadQueued) for e in events)
    return events  # type: ignore[return-value]


def test_a_groups_receipts_are_one_per_sender_and_a_persons_one_in_all() -> None:
    s = connected_session()
    group = read(s, GROUP, [ref("g1", ALICE), ref("g2", BOB), ref("g3", ALICE)])
    assert [(e.sender_jid, [m.message_id for m in e.messages]) for e in group] == [
        (ALICE, ["g1", "g3"]),
        (BOB, ["g2"]),
    ]
    (person,) = read(s, PERSON, [ref("p1", PERSON), ref("p2", PERSON)])
    assert person.sender_jid is None and len(person.messages) == 2


def test_a_queued_receipt_is_in_the_state_and_not_queued_again() -> None:
    s = connected_session()
    applied(s, read(s, PERSON, [ref("p1"), ref("p2")]))
    assert queued_reads(s, PERSON) == {"p1", "p2"} and queued_reads(s, GROUP) == set()
    again = read(s, PERSON, [ref("p1"), ref("p2"), ref("p3")])
    assert [[m.message_id for m in e.messages] for e in again] == [["p3"]]
    assert read(s, PERSON, [ref("p1")]) == []
    reloaded = msgspec.json.decode(msgspec.json.encode(s), type=Session)  # the state DB's row
    assert reloaded.pending == s.pending


def test_the_fact_of_a_receipt_finishes_it_once() -> None:
    s = connected_session()
    (queued,) = read(s, PERSON, [ref("p1", minutes=1), ref("p2", minutes=5)])
    applied(s, [queued])
    (fact,) = t.send_succeeded(s, queued.read_id, T0)
    assert fact == ChatRead(
        chat_jid=PERSON, message_ids=["p1", "p2"], up_to=T0 + timedelta(minutes=5)
    )
    applied(s, [fact])
    assert s.pending == {} and s.knows_message(queued.read_id)
    assert t.send_succeeded(s, queued.read_id, T0) == []  # nothing to record twice
    assert read(s, PERSON, [ref("p1")]) != []  # sent: a new request may mark it again


def test_an_unrelated_chat_read_finishes_nothing() -> None:
    s = connected_session()
    applied(s, read(s, PERSON, [ref("p1"), ref("p2")]))
    applied(s, [ChatRead(chat_jid=PERSON, message_ids=["p1"], up_to=T0)])
    applied(s, [ChatRead(chat_jid=GROUP, message_ids=["p1", "p2"], up_to=T0)])
    assert len(s.pending) == 1


def test_a_logout_fails_the_queued_receipts() -> None:
    s = connected_session()
    (queued,) = read(s, PERSON, [ref("p1")])
    applied(s, [queued])
    events = t.logged_out(s, "logout")
    failed = [e for e in events if isinstance(e, MessageSendFailed)]
    assert [(e.message_id, e.will_retry) for e in failed] == [(queued.read_id, False)]
    applied(s, events)
    assert s.pending == {}
