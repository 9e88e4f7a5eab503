"""The group part of the WhatsApp port: calls a client answers, and changes it reports.

A client that supports groups is also a ``GroupClient``; a sink that hears group changes is
also a ``GroupEvents``. Kept apart from ``port.py`` so each adapter opts in on its own.
"""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Literal

from msgspec import Struct, field

from contracts.events.group import GroupAction, GroupParticipant
from contracts.groups import ParticipantResult

__all__ = ["ChangeKind", "GroupChange", "GroupClient", "GroupEvents", "GroupFailed", "GroupInfo"]


class GroupInfo(Struct, frozen=True, kw_only=True):
    jid: str
    subject: str
    description: str | None = None
    owner_jid: str | None = None
    participants: list[GroupParticipant] = field(default_factory=list)


ChangeKind = Literal["created", "joined", "left", "participants", "subject", "description"]


class GroupChange(Struct, frozen=True, kw_only=True):
    """Something WhatsApp told us happened to a group (not the answer to our own call)."""

    kind: ChangeKind
    group_jid: str
    at: datetime  # WhatsApp's time: with the rest, what makes the change's event id
    by_jid: str | None = None
    info: GroupInfo | None = None  # created, joined
    action: GroupAction | None = None  # participants
    participants: list[str] = field(default_factory=list)
    subject: str | None = None
    description: str | None = None


class GroupFailed(Exception):
    """WhatsApp refused a group call; ``code`` is stable (``not_found``, ``forbidden``…)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class GroupClient(ABC):
    """Group calls of one WhatsApp connection. Each raises GroupFailed when refused."""

    @abstractmethod
    async def get_joined_groups(self) -> list[GroupInfo]:
        """Every group the number is in, with its participants."""

    @abstractmethod
    async def get_group_info(self, group_jid: str) -> GroupInfo:
        """One group as WhatsApp has it now."""

    @abstractmethod
    async def create_group(
        self, subject: str, participants: list[str]
    ) -> tuple[GroupInfo, list[ParticipantResult]]:
        """Make a group with us as its creator, and whether each participant was added."""

    @abstractmethod
    async def update_group_participants(
        self, group_jid: str, action: GroupAction, participants: list[str]
    ) -> list[ParticipantResult]:
        """Add, remove, promote or demote; one result per participant asked for."""

    @abstractmethod
    async def get_group_invite_link(self, group_jid: str, reset: bool) -> str:
        """The invite link; ``reset`` revokes the current one first."""

    @abstractmethod
    async def leave_group(self, group_jid: str) -> None:
        """Leave the group."""


class GroupEvents(ABC):
    """What a client reports about groups (a ClientEvents sink may also be one)."""

    @abstractmethod
    async def on_group_change(self, change: GroupChange) -> None:
        """A group changed, or we were added to, or removed from, one."""
