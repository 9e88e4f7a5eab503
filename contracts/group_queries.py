"""Store queries of groups (the projection of ``group.*`` events), and their results."""

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct, field

__all__ = ["GetGroup", "GroupList", "GroupParticipantView", "GroupView", "ListGroups"]

GroupPageSize = Annotated[int, Meta(ge=1, le=200)]  # as contracts.queries.PageSize


class ListGroups(Struct, frozen=True, kw_only=True, tag="list_groups"):
    """The groups a session is in now, by JID (``member=False``: also those it left)."""

    tenant: str
    session: str
    include_left: bool = False
    cursor: str | None = None
    limit: GroupPageSize = 50
    min_sequence: int = 0
    wait_ms: int = 2000


class GetGroup(Struct, frozen=True, kw_only=True, tag="get_group"):
    tenant: str
    session: str
    group_jid: str
    min_sequence: int = 0
    wait_ms: int = 2000


class GroupParticipantView(Struct, frozen=True, kw_only=True):
    jid: str
    is_admin: bool = False
    is_super_admin: bool = False


class GroupView(Struct, frozen=True, kw_only=True, tag="group"):
    """A group as the log last showed it; ``participants`` only in GetGroup's answer."""

    jid: str
    tenant: str
    session: str
    subject: str
    description: str | None = None
    owner_jid: str | None = None
    is_member: bool = True
    first_seen_at: datetime
    updated_at: datetime
    participants: list[GroupParticipantView] = field(default_factory=list)


class GroupList(Struct, frozen=True, kw_only=True, tag="group_list"):
    items: list[GroupView]
    next_cursor: str | None = None
