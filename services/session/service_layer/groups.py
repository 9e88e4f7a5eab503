"""Group commands: checked, then through the connectivity gate and the pacer, one WhatsApp
call each; what changed is appended as ``group.*`` events and the result is answered."""

import asyncio

from contracts.commands import Accepted, CommandReply, Refused
from contracts.events import (
    Event,
    GroupCreated,
    GroupInviteRevoked,
    GroupLeft,
    GroupParticipantsChanged,
)
from contracts.groups import (
    CreateGroup,
    GetGroupInvite,
    GroupCommand,
    GroupResult,
    LeaveGroup,
    UpdateGroupParticipants,
)
from contracts.ids import is_valid_id, new_id
from services.session.adapters.whatsapp.groups import GroupClient, GroupFailed
from services.session.service_layer.group_checks import Invalid, checked
from services.session.service_layer.group_sync import snapshot
from services.session.service_layer.owned_sessions import OwnedSessions
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["GroupHandlers"]

NOT_CONNECTED = Refused(code="not_connected", message="the session is not connected; nothing sent")


class GroupHandlers:
    """``max_wait_s``: the longest a call waits for its pacer slot (else 429 ``paced``)."""

    def __init__(self, core: OwnedSessions, max_wait_s: float = 2.0) -> None:
        self.core = core
        self.max_wait_s = max_wait_s

    async def handle(self, rt: SessionRuntime, cmd: GroupCommand) -> CommandReply:
        region = self.core.deps.default_region
        try:
            people, group = checked(cmd, region)
        except Invalid as bad:
            return bad.refused
        operation_id = cmd.operation_id or new_id()
        if not is_valid_id(operation_id):
            return Refused(code="validation_failed", message="operation ids are [A-Za-z0-9_-]")
        memory = self.core.groups
        done = memory.answer(rt.tenant, rt.session, operation_id)
        if done is not None:
            return done
        reply = await self._paced(rt, cmd, people, group, operation_id)
        if isinstance(reply, Accepted):
            memory.keep(rt.tenant, rt.session, operation_id, reply)
        return reply

    async def _paced(
        self, rt: SessionRuntime, cmd: GroupCommand, people: list[str], group: str, op: str
    ) -> CommandReply:
        loop = asyncio.get_running_loop()
        async with rt.lock:
            if self._client(rt) is None:
                return NOT_CONNECTED
            wait = rt.pacer.reserve(loop.time()) - loop.time()
        if wait > self.max_wait_s:  # the slot is spent all the same: fewer calls, never more
            message = "group operations are paced: try again later"
            return Refused(code="paced", message=message, details={"retry_after_s": int(wait) + 1})
        await asyncio.sleep(max(0.0, wait))
        async with rt.lock:
            client = self._client(rt)
            if client is None:
                return NOT_CONNECTED
            done = self.core.groups.answer(rt.tenant, rt.session, op)
            if done is not None:
                return done
            try:
                result, events = await self._call(rt, client, cmd, people, group, op)
            except GroupFailed as exc:
                return Refused(code=_refusal_code(exc.code), message=str(exc))
            except Exception as exc:
                return Refused(code="whatsapp_failed", message=str(exc) or type(exc).__name__)
            await self.core.append(rt, events, cmd.correlation_id)
            if result.group_jid:
                self.core.groups.changed(rt.tenant, rt.session, result.group_jid)
            return Accepted(session=rt.session, sequence=rt.last_sequence, group=result)

    @staticmethod
    def _client(rt: SessionRuntime) -> GroupClient | None:
        client = rt.client
        online = rt.state.status == "connected" and rt.online.is_set()
        return client if online and isinstance(client, GroupClient) else None

    async def _call(
        self, rt: SessionRuntime, client: GroupClient, cmd: GroupCommand, people: list[str],
        group: str, op: str,
    ) -> tuple[GroupResult, list[Event]]:  # fmt: skip
        me = rt.state.jid
        match cmd:
            case CreateGroup():
                info, results = await client.create_group(cmd.subject.strip(), people)
                created = snapshot(GroupCreated, info, operation_id=op)
                return GroupResult(group_jid=info.jid, participants=results), [created]
            case UpdateGroupParticipants():
                results = await client.update_group_participants(group, cmd.action, people)
                done = [r.jid for r in results if r.status == "ok"]
                events: list[Event] = []
                if done:
                    events.append(GroupParticipantsChanged(
                        group_jid=group, action=cmd.action, participants=done, by_jid=me,
                        operation_id=op,
                    ))  # fmt: skip
                return GroupResult(group_jid=group, participants=results), events
            case GetGroupInvite():
                link = await client.get_group_invite_link(group, cmd.reset)
                revoked: list[Event] = [GroupInviteRevoked(group_jid=group, operation_id=op)]
                return GroupResult(group_jid=group, invite_link=link), revoked if cmd.reset else []
            case LeaveGroup():
                await client.leave_group(group)
                return GroupResult(group_jid=group), [GroupLeft(group_jid=group, operation_id=op)]


def _refusal_code(code: str) -> str:
    known = {"not_found": "group_not_found", "forbidden": "not_group_admin",
             "not_implemented": "not_implemented", "not_connected": "not_connected"}  # fmt: skip
    return known.get(code, "whatsapp_refused")
