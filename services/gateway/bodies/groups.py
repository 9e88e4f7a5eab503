"""Request and response bodies of the group endpoints (validated at the edge, documented)."""

from typing import Annotated, Literal

import msgspec

from contracts.events.group import GroupAction
from contracts.group_queries import GroupView
from contracts.groups import ParticipantResult
from services.gateway.bodies.requests import NO_NUL, Address, Body, Page
from services.gateway.bodies.responses import Out

__all__ = [
    "GroupInvite",
    "GroupLeft",
    "GroupPage",
    "GroupParams",
    "NewGroup",
    "NewGroupMade",
    "ParticipantChange",
    "ParticipantsChanged",
]

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NO_NUL)]
People = Annotated[list[Address], msgspec.Meta(min_length=1, max_length=256)]


class NewGroup(Body, frozen=True, kw_only=True):
    subject: Subject
    participants: People  # phone numbers or JIDs; at least one


class ParticipantChange(Body, frozen=True, kw_only=True):
    action: GroupAction
    participants: People


class GroupParams(Page, frozen=True, kw_only=True):
    include_left: bool = False  # also the groups the session left or was removed from


class NewGroupMade(Out, frozen=True, kw_only=True):
    jid: str
    subject: str
    participants: list[ParticipantResult]  # whether each was added


class ParticipantsChanged(Out, frozen=True, kw_only=True):
    jid: str
    action: GroupAction
    participants: list[ParticipantResult]  # one per participant asked for


class GroupInvite(Out, frozen=True, kw_only=True):
    jid: str
    invite_link: str


class GroupLeft(Out, frozen=True, kw_only=True):
    jid: str
    status: Literal["left"]


class GroupPage(Out, frozen=True, kw_only=True):
    items: list[GroupView]
    next_cursor: str | None = None
