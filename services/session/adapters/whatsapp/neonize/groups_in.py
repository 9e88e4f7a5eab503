"""Group protobufs → the port's group values, and group events → signals. Pure.

``GroupInfo`` (answers and ``JoinedGroup``) becomes a ``GroupInfo`` snapshot; a
``GroupInfoEvent`` (whatsmeow's ``events.GroupInfo``: a change someone made) becomes one
``GroupChange`` per kind of change it carries. A participant's ``Error`` on an answer is
WhatsApp's per-person status (0 ok, 403 privacy, 404 no such user, 409 already so).
"""

from datetime import UTC, datetime
from typing import Any

from neonize.proto.Neonize_pb2 import GroupInfo as GroupInfoProto
from neonize.proto.Neonize_pb2 import GroupInfoEvent, GroupParticipant, JoinedGroup

from contracts.events.group import GroupAction
from contracts.events.group import GroupParticipant as Participant
from contracts.groups import ParticipantResult, ParticipantStatus
from services.session.adapters.whatsapp.groups import ChangeKind, GroupChange, GroupInfo
from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.jids import user_jid_str

__all__ = ["group_info", "group_info_signals", "joined_signal", "participant_result"]

_STATUS: dict[int, ParticipantStatus] = {
    0: "ok", 200: "ok", 403: "not_authorized", 404: "not_found", 409: "conflict"
}  # fmt: skip


def _person(p: GroupParticipant) -> str:
    return user_jid_str(p.JID) or user_jid_str(p.PhoneNumber) or user_jid_str(p.LID) or ""


def group_info(info: GroupInfoProto) -> GroupInfo:
    people = [
        Participant(jid=_person(p), is_admin=p.IsAdmin or p.IsSuperAdmin,
                    is_super_admin=p.IsSuperAdmin)
        for p in info.Participants
        if _person(p) and not p.Error
    ]  # fmt: skip
    return GroupInfo(
        jid=user_jid_str(info.JID) or "",
        subject=info.GroupName.Name,
        description=info.GroupTopic.Topic or None,
        owner_jid=user_jid_str(info.OwnerPN) or user_jid_str(info.OwnerJID),
        participants=people,
    )


def participant_result(p: GroupParticipant) -> ParticipantResult:
    status = _STATUS.get(p.Error, "error")
    return ParticipantResult(jid=_person(p), status=status,
                             error=None if status == "ok" else str(p.Error))  # fmt: skip


def _at(seconds: int, now: datetime) -> datetime:
    if seconds <= 0:
        return now
    return datetime.fromtimestamp(seconds / 1000 if seconds > 100_000_000_000 else seconds, UTC)


def joined_signal(ev: JoinedGroup, *, own_jid: str | None, now: datetime) -> s.GroupChanged:
    """Added to a group, joined by link, or a group made by us (on any of our devices)."""
    info = group_info(ev.GroupInfo)
    by = user_jid_str(ev.SenderPN) or user_jid_str(ev.Sender)
    own = own_jid and f"{own_jid.partition('@')[0].split(':')[0]}@s.whatsapp.net"
    created = bool(ev.CreateKey) or (by is not None and by == own and ev.Type == "new")
    kind: ChangeKind = "created" if created else "joined"
    return s.GroupChanged(change=GroupChange(kind=kind, group_jid=info.jid, at=now, by_jid=by,
                                             info=info))  # fmt: skip


def group_info_signals(ev: GroupInfoEvent, *, now: datetime) -> list[s.Signal]:
    group = user_jid_str(ev.JID)
    if group is None:
        return []
    at, by = _at(ev.Timestamp, now), user_jid_str(ev.Sender)
    changes: list[GroupChange] = []
    if ev.HasField("Name"):
        changes.append(GroupChange(kind="subject", group_jid=group, at=at, by_jid=by,
                                   subject=ev.Name.Name))  # fmt: skip
    if ev.HasField("Topic"):
        topic = None if ev.Topic.TopicDeleted else ev.Topic.Topic or None
        changes.append(GroupChange(kind="description", group_jid=group, at=at, by_jid=by,
                                   description=topic))  # fmt: skip
    by_action: tuple[tuple[GroupAction, Any], ...] = (
        ("add", ev.Join), ("remove", ev.Leave), ("promote", ev.Promote), ("demote", ev.Demote)
    )  # fmt: skip
    lists = [(action, [j for j in map(user_jid_str, jids) if j]) for action, jids in by_action]
    for action, people in lists:
        if people:
            changes.append(GroupChange(kind="participants", group_jid=group, at=at, by_jid=by,
                                       action=action, participants=people))  # fmt: skip
    return [s.GroupChanged(change=c) for c in changes]
