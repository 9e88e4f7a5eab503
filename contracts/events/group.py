"""Events about the WhatsApp groups a session is in: what it did, and what it saw happen."""

from typing import Literal

from msgspec import Struct, field

__all__ = [
    "GroupAction",
    "GroupCreated",
    "GroupDescriptionChanged",
    "GroupInviteRevoked",
    "GroupJoined",
    "GroupLeft",
    "GroupParticipant",
    "GroupParticipantsChanged",
    "GroupSubjectChanged",
    "GroupSynced",
]

GroupAction = Literal["add", "remove", "promote", "demote"]


class GroupParticipant(Struct, frozen=True, kw_only=True):
    jid: str
    is_admin: bool = False
    is_super_admin: bool = False  # the group's creator (WhatsApp's "superadmin")


class _GroupSnapshot(Struct, frozen=True, kw_only=True):
    """A whole group as WhatsApp reports it: it replaces what was known before."""

    group_jid: str
    subject: str
    description: str | None = None
    owner_jid: str | None = None
    participants: list[GroupParticipant] = field(default_factory=list)


class GroupCreated(_GroupSnapshot, frozen=True, kw_only=True, tag="group.created"):
    """A group made by this session (``operation_id``: the API call) or by its phone."""

    operation_id: str | None = None


class GroupJoined(_GroupSnapshot, frozen=True, kw_only=True, tag="group.joined"):
    """The session was added to a group (``by_jid``: who added it) or joined by invite."""

    by_jid: str | None = None


class GroupSynced(_GroupSnapshot, frozen=True, kw_only=True, tag="group.synced"):
    """A group the session is in, as WhatsApp listed it when the session connected."""


class GroupLeft(Struct, frozen=True, kw_only=True, tag="group.left"):
    """The session is no longer in the group: it left (``by_jid`` None) or was removed."""

    group_jid: str
    by_jid: str | None = None
    operation_id: str | None = None


class GroupParticipantsChanged(Struct, frozen=True, kw_only=True, tag="group.participants_changed"):
    """People added, removed, promoted to admin or demoted; only those it happened to."""

    group_jid: str
    action: GroupAction
    participants: list[str]
    by_jid: str | None = None  # who did it (our own JID for an API call)
    operation_id: str | None = None


class GroupSubjectChanged(Struct, frozen=True, kw_only=True, tag="group.subject_changed"):
    group_jid: str
    subject: str
    by_jid: str | None = None


class GroupDescriptionChanged(Struct, frozen=True, kw_only=True, tag="group.description_changed"):
    group_jid: str
    description: str | None = None  # None: removed
    by_jid: str | None = None


class GroupInviteRevoked(Struct, frozen=True, kw_only=True, tag="group.invite_revoked"):
    """The group's invite link was reset: the old link no longer works (the link is not kept
    in the log: it admits anyone who has it)."""

    group_jid: str
    operation_id: str | None = None
