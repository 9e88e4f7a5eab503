"""Group commands of the session service, and what a group operation answers.

Each command calls WhatsApp once (through the connectivity gate and the pacer); what it
changed is appended to the log as ``group.*`` events, and the answer carries the result.
``operation_id`` names the call, the same on every retry, so a retry does nothing twice.
"""

from typing import Literal

from msgspec import Struct, field

from contracts.events.group import GroupAction

__all__ = [
    "CreateGroup",
    "GetGroupInvite",
    "GroupCommand",
    "GroupResult",
    "LeaveGroup",
    "ParticipantResult",
    "ParticipantStatus",
    "UpdateGroupParticipants",
]

ParticipantStatus = Literal["ok", "not_authorized", "not_found", "conflict", "error"]
"""``not_authorized``: their privacy settings need an invite (403); ``conflict``: already so
(409); ``not_found``: no such WhatsApp user (404)."""


class CreateGroup(Struct, frozen=True, kw_only=True, tag="create_group"):
    tenant: str
    session: str
    subject: str
    participants: list[str]  # addresses: phone numbers or JIDs
    operation_id: str | None = None
    correlation_id: str | None = None


class UpdateGroupParticipants(Struct, frozen=True, kw_only=True, tag="group_participants"):
    tenant: str
    session: str
    group_jid: str
    action: GroupAction
    participants: list[str]
    operation_id: str | None = None
    correlation_id: str | None = None


class GetGroupInvite(Struct, frozen=True, kw_only=True, tag="group_invite"):
    """The group's invite link; ``reset``: revoke the current one and answer the new one."""

    tenant: str
    session: str
    group_jid: str
    reset: bool = False
    operation_id: str | None = None
    correlation_id: str | None = None


class LeaveGroup(Struct, frozen=True, kw_only=True, tag="leave_group"):
    tenant: str
    session: str
    group_jid: str
    operation_id: str | None = None
    correlation_id: str | None = None


GroupCommand = CreateGroup | UpdateGroupParticipants | GetGroupInvite | LeaveGroup


class ParticipantResult(Struct, frozen=True, kw_only=True):
    jid: str
    status: ParticipantStatus
    error: str | None = None


class GroupResult(Struct, frozen=True, kw_only=True):
    """What a group command did (on ``Accepted.group``)."""

    group_jid: str
    participants: list[ParticipantResult] = field(default_factory=list)
    invite_link: str | None = None  # GetGroupInvite only; never in the log
