"""Projection rules of group events: a group's row and its participants' rows. A snapshot
(created, joined, synced) replaces the participants; the other events change them in place."""

from contracts.envelope import Envelope
from contracts.events import (
    GroupCreated,
    GroupDescriptionChanged,
    GroupJoined,
    GroupLeft,
    GroupParticipantsChanged,
    GroupSubjectChanged,
    GroupSynced,
)
from contracts.events.group import GroupParticipant
from services.store.domain.changes import Op, RowChange

__all__ = ["group_changes"]

_PER_ACTION: dict[str, Op] = {
    "add": "group.participant_added",
    "remove": "group.participant_removed",
    "promote": "group.participant_role",
    "demote": "group.participant_role",
}


def group_changes(env: Envelope) -> list[RowChange]:
    payload = env.payload
    match payload:
        case (
            GroupCreated() | GroupJoined() | GroupSynced() | GroupParticipantsChanged()
            | GroupSubjectChanged() | GroupDescriptionChanged() | GroupLeft()
        ):  # fmt: skip
            group = payload.group_jid
        case _:
            return []
    key = (("group", env.tenant, env.session, group),)
    row = {"tenant": env.tenant, "session_id": env.session, "at": env.occurred_at,
           "group_jid": group}  # fmt: skip
    match payload:
        case GroupCreated() | GroupJoined() | GroupSynced() as ev:
            values = {"subject": ev.subject, "description": ev.description,
                      "owner_jid": ev.owner_jid}  # fmt: skip
            people = [
                RowChange("group.participant_set", key, {**row, **_person(p)})
                for p in ev.participants
            ]
            return [RowChange("group.snapshot", key, {**row, **values}), *people]
        case GroupParticipantsChanged() as ev:
            op = _PER_ACTION[ev.action]
            admin = {"is_admin": ev.action == "promote"} if op == "group.participant_role" else {}
            return [
                *(RowChange(op, key, {**row, "jid": jid, **admin}) for jid in ev.participants),
                RowChange("group.touched", key, row),
            ]
        case GroupSubjectChanged() as ev:
            return [RowChange("group.subject", key, {**row, "subject": ev.subject})]
        case GroupDescriptionChanged() as ev:
            return [RowChange("group.description", key, {**row, "description": ev.description})]
        case GroupLeft():
            return [RowChange("group.left", key, row)]
    return []


def _person(p: GroupParticipant) -> dict[str, object]:
    return {"jid": p.jid, "is_admin": p.is_admin or p.is_super_admin,
            "is_super_admin": p.is_super_admin}  # fmt: skip
