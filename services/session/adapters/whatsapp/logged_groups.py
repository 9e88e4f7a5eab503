"""Every group call to WhatsApp, logged with tenant and session (never an invite link)."""

from typing import Any

from contracts.events.group import GroupAction
from contracts.groups import ParticipantResult
from services.session.adapters.whatsapp.groups import GroupClient, GroupFailed, GroupInfo
from services.session.adapters.whatsapp.port import WhatsAppClient

__all__ = ["LoggedGroupCalls"]


class LoggedGroupCalls(GroupClient):
    """Mixed into LoggedClient: ``inner`` is the wrapped client, ``_log`` its bound logger."""

    inner: WhatsAppClient
    _log: Any

    def _groups(self, op: str, **fields: object) -> GroupClient:
        self._log.info(f"whatsapp.{op}", **fields)
        if not isinstance(self.inner, GroupClient):
            raise GroupFailed("not_implemented", "this WhatsApp adapter has no group calls")
        return self.inner

    async def _logged(self, op: str, call: Any) -> Any:
        try:
            return await call
        except Exception as exc:
            self._log.warning(f"whatsapp.{op}_failed", error=str(exc))
            raise

    async def get_joined_groups(self) -> list[GroupInfo]:
        inner = self._groups("get_joined_groups")
        groups: list[GroupInfo] = await self._logged("get_joined_groups", inner.get_joined_groups())
        return groups

    async def get_group_info(self, group_jid: str) -> GroupInfo:
        inner = self._groups("get_group_info", group=group_jid)
        info: GroupInfo = await self._logged("get_group_info", inner.get_group_info(group_jid))
        return info

    async def create_group(
        self, subject: str, participants: list[str]
    ) -> tuple[GroupInfo, list[ParticipantResult]]:
        inner = self._groups("create_group", participants=len(participants))
        made: tuple[GroupInfo, list[ParticipantResult]] = await self._logged(
            "create_group", inner.create_group(subject, participants)
        )
        return made

    async def update_group_participants(
        self, group_jid: str, action: GroupAction, participants: list[str]
    ) -> list[ParticipantResult]:
        inner = self._groups("update_group_participants", group=group_jid, action=action,
                             participants=len(participants))  # fmt: skip
        call = inner.update_group_participants(group_jid, action, participants)
        results: list[ParticipantResult] = await self._logged("update_group_participants", call)
        return results

    async def get_group_invite_link(self, group_jid: str, reset: bool) -> str:
        inner = self._groups("get_group_invite_link", group=group_jid, reset=reset)
        call = inner.get_group_invite_link(group_jid, reset)
        link: str = await self._logged("get_group_invite_link", call)
        return link

    async def leave_group(self, group_jid: str) -> None:
        inner = self._groups("leave_group", group=group_jid)
        await self._logged("leave_group", inner.leave_group(group_jid))
