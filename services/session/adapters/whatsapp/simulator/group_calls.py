"""The simulated client's group calls, answered the way WhatsApp answers them.

Participants are decided by their number: one ending in ``403`` refuses to be added (its
privacy settings want an invite), one ending in ``404`` is not on WhatsApp; the rest behave.
Only an admin may change participants or the invite link.
"""

from datetime import UTC, datetime

import msgspec

from contracts.events.group import GroupAction, GroupParticipant
from contracts.groups import ParticipantResult
from services.session.adapters.whatsapp.groups import (
    GroupChange,
    GroupClient,
    GroupEvents,
    GroupFailed,
    GroupInfo,
)
from services.session.adapters.whatsapp.simulator.group_store import (
    SimGroupStore,
    StoredGroup,
    new_invite_code,
    user_jid,
)
from services.session.adapters.whatsapp.simulator.server import SimServer

__all__ = ["SimGroupCalls", "refusal_of"]

INVITE_PREFIX = "https://chat.whatsapp.com/"


def refusal_of(jid: str) -> ParticipantResult | None:
    """What WhatsApp says of adding ``jid``, when it is not a plain yes."""
    user = jid.partition("@")[0]
    if user.endswith("403"):
        return ParticipantResult(jid=jid, status="not_authorized", error="403")
    if user.endswith("404"):
        return ParticipantResult(jid=jid, status="not_found", error="404")
    return None


def apply_action(
    info: GroupInfo, action: GroupAction, people: list[str]
) -> tuple[GroupInfo, list[ParticipantResult]]:
    """The group after ``action`` on ``people``, and one result for each of them."""
    members = {p.jid: p for p in info.participants}
    results = [_apply_one(members, action, jid) for jid in people]
    return msgspec.structs.replace(info, participants=list(members.values())), results


def _apply_one(
    members: dict[str, GroupParticipant], action: GroupAction, jid: str
) -> ParticipantResult:
    known = members.get(jid)
    if action == "add":
        refused = refusal_of(jid)
        if refused is not None:
            return refused
        if known is not None:
            return ParticipantResult(jid=jid, status="conflict", error="409")
        members[jid] = GroupParticipant(jid=jid)
    elif known is None:
        return ParticipantResult(jid=jid, status="not_found", error="404")
    elif action == "remove":
        del members[jid]
    else:
        admin = action == "promote"
        if known.is_admin == admin:
            return ParticipantResult(jid=jid, status="conflict", error="409")
        members[jid] = msgspec.structs.replace(known, is_admin=admin)
    return ParticipantResult(jid=jid, status="ok")


class SimGroupCalls(GroupClient):
    """Mixed into SimClient: its ``server``, ``session`` and ``state`` are the client's."""

    server: SimServer
    session: str
    state: str

    @property
    def _groups(self) -> SimGroupStore:
        return SimGroupStore(self.server.root)

    def _me(self) -> str:
        device = self.server.device(self.session)
        if self.state != "online" or device is None:
            raise GroupFailed("not_connected", "not connected")
        return user_jid(device.jid)

    def _mine(self, group_jid: str) -> tuple[str, StoredGroup]:
        me = self._me()
        group = self._groups.get(self.session, group_jid)
        if group is None or all(p.jid != me for p in group.info.participants):
            raise GroupFailed("not_found", f"no group {group_jid} with this number in it")
        return me, group

    def _admin(self, group_jid: str) -> StoredGroup:
        me, group = self._mine(group_jid)
        if not any(p.jid == me and p.is_admin for p in group.info.participants):
            raise GroupFailed("forbidden", "only an admin of the group may do that")
        return group

    async def get_joined_groups(self) -> list[GroupInfo]:
        me = self._me()
        every = self._groups.all(self.session).values()
        return [g.info for g in every if any(p.jid == me for p in g.info.participants)]

    async def get_group_info(self, group_jid: str) -> GroupInfo:
        return self._mine(group_jid)[1].info

    async def create_group(
        self, subject: str, participants: list[str]
    ) -> tuple[GroupInfo, list[ParticipantResult]]:
        me = self._me()
        refused = {r.jid: r for r in map(refusal_of, participants) if r is not None}
        added = [p for p in participants if p not in refused]
        group = self._groups.create(self.session, subject, me, added)
        results = [refused.get(p) or ParticipantResult(jid=p, status="ok") for p in participants]
        return group.info, results

    async def update_group_participants(
        self, group_jid: str, action: GroupAction, participants: list[str]
    ) -> list[ParticipantResult]:
        group = self._admin(group_jid)
        info, results = apply_action(group.info, action, participants)
        self._groups.put(self.session, msgspec.structs.replace(group, info=info))
        return results

    async def get_group_invite_link(self, group_jid: str, reset: bool) -> str:
        group = self._admin(group_jid)
        if reset:
            group = msgspec.structs.replace(group, invite_code=new_invite_code())
            self._groups.put(self.session, group)
        return INVITE_PREFIX + group.invite_code

    async def leave_group(self, group_jid: str) -> None:
        me, group = self._mine(group_jid)
        info, _ = apply_action(group.info, "remove", [me])
        self._groups.put(self.session, msgspec.structs.replace(group, info=info))

    async def report(self, change: GroupChange) -> bool:
        """Tell the service of a change seen on WhatsApp (only while online)."""
        events = getattr(self, "events", None)
        if self.state != "online" or not isinstance(events, GroupEvents):
            return False
        await events.on_group_change(change)
        return True


def now() -> datetime:
    return datetime.now(UTC)
