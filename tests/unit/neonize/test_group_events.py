"""Group events and answers, built as neonize's own protobuf objects, translate faithfully."""

from datetime import UTC, datetime

from neonize.proto.Neonize_pb2 import (
    JID,
    GroupInfo,
    GroupInfoEvent,
    GroupName,
    GroupParticipant,
    GroupTopic,
    JoinedGroup,
)

from contracts.events.group import GroupParticipant as Participant
from contracts.groups import ParticipantResult
from services.session.adapters.whatsapp.groups import GroupChange
from services.session.adapters.whatsapp.groups import GroupInfo as Info
from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.group_calls import failure_code
from services.session.adapters.whatsapp.neonize.groups_in import group_info, participant_result
from services.session.adapters.whatsapp.neonize.translate import Context, translate

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ME = JID(User="201234567890", Server="s.whatsapp.net")
ME_DEVICE = "201234567890:7@s.whatsapp.net"
PEER = JID(User="201000000001", Server="s.whatsapp.net")
PEER_LID = JID(User="98765432109876", Server="lid")
OTHER = JID(User="201000000002", Device=3, Server="s.whatsapp.net")
GROUP = JID(User="120363025246125486", Server="g.us")
G = "120363025246125486@g.us"


def info() -> GroupInfo:
    return GroupInfo(
        JID=GROUP,
        OwnerJID=PEER_LID,
        OwnerPN=PEER,
        GroupName=GroupName(Name="Clinic"),
        GroupTopic=GroupTopic(Topic="Opening hours"),
        Participants=[
            GroupParticipant(JID=PEER_LID, PhoneNumber=PEER, IsAdmin=True, IsSuperAdmin=True),
            GroupParticipant(JID=ME),
            GroupParticipant(JID=OTHER, Error=403),  # refused: not a member
        ],
    )


def test_a_group_info_becomes_a_snapshot_with_admin_flags() -> None:
    assert group_info(info()) == Info(
        jid=G,
        subject="Clinic",
        description="Opening hours",
        owner_jid="201000000001@s.whatsapp.net",
        participants=[
            Participant(jid="98765432109876@lid", is_admin=True, is_super_admin=True),
            Participant(jid="201234567890@s.whatsapp.net"),
        ],
    )


def test_participant_errors_are_whatsapps_per_person_statuses() -> None:
    results = [
        participant_result(GroupParticipant(JID=PEER, Error=code))
        for code in (0, 403, 404, 409, 500)
    ]
    assert [r.status for r in results] == ["ok", "not_authorized", "not_found", "conflict", "error"]
    assert results[1] == ParticipantResult(
        jid="201000000001@s.whatsapp.net", status="not_authorized", error="403"
    )


def test_being_added_is_joined_and_a_group_we_made_is_created() -> None:
    ctx = Context(now=NOW, own_jid=ME_DEVICE)
    [added] = translate(JoinedGroup(GroupInfo=info(), SenderPN=PEER, Reason=""), ctx)
    assert isinstance(added, s.GroupChanged)
    assert added.change.kind == "joined" and added.change.by_jid == "201000000001@s.whatsapp.net"
    assert added.change.info == group_info(info())
    [made] = translate(JoinedGroup(GroupInfo=info(), CreateKey="3EB0ABC", Sender=ME), ctx)
    assert isinstance(made, s.GroupChanged) and made.change.kind == "created"


def test_a_group_info_event_becomes_one_change_per_kind() -> None:
    ev = GroupInfoEvent(
        JID=GROUP,
        Sender=PEER,
        Timestamp=int(NOW.timestamp()),
        Name=GroupName(Name="Clinic 2"),
        Topic=GroupTopic(TopicDeleted=True),
        Join=[OTHER],
        Leave=[ME],
        Promote=[PEER_LID],
    )
    changes = [
        sig.change for sig in translate(ev, Context(now=NOW)) if isinstance(sig, s.GroupChanged)
    ]
    by = "201000000001@s.whatsapp.net"
    assert changes == [
        GroupChange(kind="subject", group_jid=G, at=NOW, by_jid=by, subject="Clinic 2"),
        GroupChange(kind="description", group_jid=G, at=NOW, by_jid=by, description=None),
        GroupChange(
            kind="participants",
            group_jid=G,
            at=NOW,
            by_jid=by,
            action="add",
            participants=["201000000002@s.whatsapp.net"],
        ),
        GroupChange(
            kind="participants",
            group_jid=G,
            at=NOW,
            by_jid=by,
            action="remove",
            participants=["201234567890@s.whatsapp.net"],
        ),
        GroupChange(
            kind="participants",
            group_jid=G,
            at=NOW,
            by_jid=by,
            action="promote",
            participants=["98765432109876@lid"],
        ),
    ]
    assert translate(GroupInfoEvent(JID=GROUP, Sender=PEER), Context(now=NOW)) == []


def test_neonize_failures_name_what_whatsapp_said() -> None:
    assert failure_code("GetGroupInfoError: info query returned status 404: item-not-found") == (
        "not_found"
    )
    assert failure_code("UpdateGroupParticipantsError: 403 forbidden") == "forbidden"
    assert failure_code("CreateGroupError: request timed out") == "refused"
