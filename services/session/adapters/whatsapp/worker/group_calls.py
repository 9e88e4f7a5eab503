"""Group calls across the worker pipe: one ``group`` op whose ``data`` is a ``GroupCall`` and
whose reply's ``data`` a ``GroupAnswer`` (msgpack); a refusal is the failure ``group_failed``
with its code in ``value``. ``WorkerGroupCalls`` is the service side, ``answer_group_call``
the worker side."""

from typing import Any

import msgspec
from msgspec import Struct, field

from contracts.events.group import GroupAction
from contracts.groups import ParticipantResult
from services.session.adapters.whatsapp.groups import GroupClient, GroupFailed, GroupInfo
from services.session.adapters.whatsapp.worker import protocol as p

__all__ = ["GroupAnswer", "GroupCall", "WorkerGroupCalls", "answer_group_call"]


class Joined(Struct, frozen=True, kw_only=True, tag="joined"):
    pass


class Info(Struct, frozen=True, kw_only=True, tag="info"):
    group_jid: str


class Create(Struct, frozen=True, kw_only=True, tag="create"):
    subject: str
    participants: list[str]


class Participants(Struct, frozen=True, kw_only=True, tag="participants"):
    group_jid: str
    action: GroupAction
    participants: list[str]


class Invite(Struct, frozen=True, kw_only=True, tag="invite"):
    group_jid: str
    reset: bool


class Leave(Struct, frozen=True, kw_only=True, tag="leave"):
    group_jid: str


GroupCall = Joined | Info | Create | Participants | Invite | Leave


class GroupAnswer(Struct, frozen=True, kw_only=True):
    groups: list[GroupInfo] = field(default_factory=list)
    results: list[ParticipantResult] = field(default_factory=list)
    link: str = ""


_encoder = msgspec.msgpack.Encoder()
_call = msgspec.msgpack.Decoder(GroupCall)
_answer = msgspec.msgpack.Decoder(GroupAnswer)


async def answer_group_call(client: object, data: bytes) -> bytes:
    """In the worker: run the call on the neonize client; GroupFailed passes through."""
    if not isinstance(client, GroupClient):
        raise GroupFailed("not_implemented", "this client has no group calls")
    match _call.decode(data):
        case Joined():
            answer = GroupAnswer(groups=await client.get_joined_groups())
        case Info(group_jid=g):
            answer = GroupAnswer(groups=[await client.get_group_info(g)])
        case Create(subject=subject, participants=people):
            made, results = await client.create_group(subject, people)
            answer = GroupAnswer(groups=[made], results=results)
        case Participants(group_jid=g, action=action, participants=people):
            answer = GroupAnswer(results=await client.update_group_participants(g, action, people))
        case Invite(group_jid=g, reset=reset):
            answer = GroupAnswer(link=await client.get_group_invite_link(g, reset))
        case Leave(group_jid=g):
            await client.leave_group(g)
            answer = GroupAnswer()
    return _encoder.encode(answer)


class WorkerGroupCalls(GroupClient):
    """Mixed into WorkerClient: each call goes to the worker the client is open in."""

    id: int
    worker: Any

    async def _group(self, call: GroupCall) -> GroupAnswer:
        worker = self.worker
        if worker is None or not worker.alive:
            raise GroupFailed("not_connected", "not connected")
        try:
            reply: p.Reply = await worker.call(self.id, "group", data=_encoder.encode(call))
        except Exception as exc:  # the worker died during the call
            raise GroupFailed("refused", f"{type(exc).__name__}: {exc}") from exc
        if not reply.ok:
            code = reply.value if reply.failure == "group_failed" else "refused"
            raise GroupFailed(code or "refused", reply.error)
        return _answer.decode(reply.data)

    async def get_joined_groups(self) -> list[GroupInfo]:
        return (await self._group(Joined())).groups

    async def get_group_info(self, group_jid: str) -> GroupInfo:
        return (await self._group(Info(group_jid=group_jid))).groups[0]

    async def create_group(
        self, subject: str, participants: list[str]
    ) -> tuple[GroupInfo, list[ParticipantResult]]:
        answer = await self._group(Create(subject=subject, participants=participants))
        return answer.groups[0], answer.results

    async def update_group_participants(
        self, group_jid: str, action: GroupAction, participants: list[str]
    ) -> list[ParticipantResult]:
        call = Participants(group_jid=group_jid, action=action, participants=participants)
        return (await self._group(call)).results

    async def get_group_invite_link(self, group_jid: str, reset: bool) -> str:
        return (await self._group(Invite(group_jid=group_jid, reset=reset))).link

    async def leave_group(self, group_jid: str) -> None:
        await self._group(Leave(group_jid=group_jid))
