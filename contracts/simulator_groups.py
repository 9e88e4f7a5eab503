"""The simulator's group verb (``sim_subject("group")``): what the session's phone, or
someone else in a group, does to a group the session can see."""

from typing import Literal

from msgspec import Struct, field

__all__ = ["SimGroup", "SimGroupAction", "SimGroupReply"]

SimGroupAction = Literal["create", "add", "remove", "promote", "demote", "subject"]


class SimGroup(Struct, frozen=True, kw_only=True):
    """``create``: the phone makes a group; ``add``… ``subject``: ``by`` (default: the phone)
    changes ``group``. Adding the session's own number to an unknown group makes it join one."""

    session: str
    action: SimGroupAction
    group: str | None = None  # a group JID; required except for create
    subject: str | None = None  # create, subject (and an unknown group joined by add)
    participants: list[str] = field(default_factory=list)  # phone numbers or JIDs
    by: str | None = None


class SimGroupReply(Struct, frozen=True, kw_only=True):
    ok: bool
    error: str | None = None
    group_jid: str | None = None
