"""The projection rules of group events: snapshots replace participants, changes edit them."""

from datetime import UTC, datetime

from contracts.envelope import Envelope, make_event
from contracts.events import (
    Event,
    GroupInviteRevoked,
    GroupLeft,
    GroupParticipantsChanged,
    GroupSynced,
)
from contracts.events.group import GroupParticipant
from services.store.domain.rules import changes_for

T0 = datetime(2026, 5, 1, tzinfo=UTC)
G = "120363000000000001@g.us"


def env(payload: Event) -> Envelope:
    return make_event(payload, tenant="t1", session="s1", occurred_at=T0, event_id="e1")


def test_a_snapshot_replaces_the_participants_and_the_creator_counts_as_an_admin() -> None:
    owner = GroupParticipant(jid="a@s.whatsapp.net", is_super_admin=True)
    snap = GroupSynced(
        group_jid=G, subject="S", participants=[owner, GroupParticipant(jid="b@s.whatsapp.net")]
    )
    ops = changes_for(1, env(snap))
    assert [c.op for c in ops] == [
        "group.snapshot",
        "group.participant_set",
        "group.participant_set",
    ]
    assert ops[1].params["is_admin"] and ops[1].params["is_super_admin"]
    assert not ops[2].params["is_admin"]
    assert {c.keys for c in ops} == {(("group", "t1", "s1", G),)}  # one key: applied in order


def test_participant_changes_and_leaving() -> None:
    promote = GroupParticipantsChanged(group_jid=G, action="promote", participants=["x", "y"])
    ops = changes_for(2, env(promote))
    assert [c.op for c in ops] == ["group.participant_role"] * 2 + ["group.touched"]
    assert all(c.params["is_admin"] for c in ops[:2])
    demote = GroupParticipantsChanged(group_jid=G, action="demote", participants=["x"])
    assert changes_for(3, env(demote))[0].params["is_admin"] is False
    assert [c.op for c in changes_for(4, env(GroupLeft(group_jid=G)))] == ["group.left"]
    assert changes_for(5, env(GroupInviteRevoked(group_jid=G))) == []
