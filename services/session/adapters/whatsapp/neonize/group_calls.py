"""The neonize client's group calls: get_joined_groups, get_group_info, create_group,
update_group_participants, get_group_invite_link (revoke: a new link) and leave_group.
Whatever neonize raises becomes GroupFailed, with ``not_found`` / ``forbidden`` when its
message says so (whatsmeow's errors name the IQ error: ``item-not-found``, ``forbidden``)."""

from collections.abc import Awaitable
from typing import Any, TypeVar

from neonize.aioze.client import NewAClient
from neonize.utils.enum import ParticipantChange

from contracts.events.group import GroupAction
from contracts.groups import ParticipantResult
from services.session.adapters.whatsapp.groups import GroupClient, GroupFailed, GroupInfo
from services.session.adapters.whatsapp.neonize.groups_in import group_info, participant_result
from services.session.adapters.whatsapp.neonize.jids import jid_from_str

__all__ = ["NeonizeGroupCalls", "failure_code"]

T = TypeVar("T")
_CHANGE = {
    "add": ParticipantChange.ADD,
    "remove": ParticipantChange.REMOVE,
    "promote": ParticipantChange.PROMOTE,
    "demote": ParticipantChange.DEMOTE,
}


def failure_code(message: str) -> str:
    text = message.lower()
    if "not-found" in text or "404" in text or "not found" in text:
        return "not_found"
    if "forbidden" in text or "403" in text or "not-authorized" in text or "401" in text:
        return "forbidden"
    return "refused"


class NeonizeGroupCalls(GroupClient):
    """Mixed into NeonizeClient: ``_neo``, ``receiver`` and ``_go`` are the client's."""

    _neo: NewAClient | None
    receiver: Any

    async def _go(self, op: str, call: Awaitable[T], **fields: object) -> T:
        raise NotImplementedError  # the client's own: gated by the Go maps, and logged

    def _online(self) -> NewAClient:
        neo = self._neo
        if neo is None or not self.receiver.connected:
            raise GroupFailed("not_connected", "not connected")
        return neo

    async def _group_call(self, op: str, call: Awaitable[T], **fields: object) -> T:
        try:
            return await self._go(op, call, **fields)
        except GroupFailed:
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise GroupFailed(failure_code(message), message) from exc

    async def get_joined_groups(self) -> list[GroupInfo]:
        neo = self._online()
        groups = await self._group_call("get_joined_groups", neo.get_joined_groups())
        return [group_info(g) for g in groups]

    async def get_group_info(self, group_jid: str) -> GroupInfo:
        neo = self._online()
        info = await self._group_call(
            "get_group_info", neo.get_group_info(jid_from_str(group_jid)), group=group_jid
        )
        return group_info(info)

    async def create_group(
        self, subject: str, participants: list[str]
    ) -> tuple[GroupInfo, list[ParticipantResult]]:
        neo = self._online()
        people = [jid_from_str(p) for p in participants]
        info = await self._group_call("create_group", neo.create_group(subject, people),
                                      participants=len(people))  # fmt: skip
        made = group_info(info)
        outcome = {r.jid: r for r in map(participant_result, info.Participants)}
        results = [outcome.get(p) or ParticipantResult(jid=p, status="ok") for p in participants]
        return made, results

    async def update_group_participants(
        self, group_jid: str, action: GroupAction, participants: list[str]
    ) -> list[ParticipantResult]:
        neo = self._online()
        call = neo.update_group_participants(
            jid_from_str(group_jid), [jid_from_str(p) for p in participants], _CHANGE[action]
        )
        answered = await self._group_call("update_group_participants", call, group=group_jid,
                                          action=action)  # fmt: skip
        outcome = {r.jid: r for r in map(participant_result, answered)}
        unanswered = "WhatsApp answered nothing for this person"
        return [
            outcome.get(p) or ParticipantResult(jid=p, status="error", error=unanswered)
            for p in participants
        ]

    async def get_group_invite_link(self, group_jid: str, reset: bool) -> str:
        neo = self._online()
        call = neo.get_group_invite_link(jid_from_str(group_jid), revoke=reset)
        link: str = await self._group_call("get_group_invite_link", call, group=group_jid)
        return link

    async def leave_group(self, group_jid: str) -> None:
        neo = self._online()
        await self._group_call("leave_group", neo.leave_group(jid_from_str(group_jid)),
                               group=group_jid)  # fmt: skip
