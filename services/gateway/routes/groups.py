"""Groups of a session: listed and read from the store's projection of ``group.*`` events;
created, changed, invited to and left through the session service (gated and paced)."""

from aiohttp import web

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.commands import Accepted
from contracts.group_queries import GetGroup, GroupList, GroupView, ListGroups
from contracts.groups import (
    CreateGroup,
    GetGroupInvite,
    GroupCommand,
    GroupResult,
    LeaveGroup,
    UpdateGroupParticipants,
)
from contracts.ids import new_id
from contracts.queries import SessionView
from services.gateway.bodies.groups import (
    GroupInvite,
    GroupLeft,
    GroupPage,
    GroupParams,
    NewGroup,
    NewGroupMade,
    ParticipantChange,
    ParticipantsChanged,
)
from services.gateway.bodies.requests import read_body, read_params
from services.gateway.bodies.responses import json_response
from services.gateway.http.errors import ApiError
from services.gateway.http.idempotency import keyed_id
from services.gateway.http.keys import BACKENDS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session

ops = Operations("groups")
GROUP = "/v1/sessions/{session_id}/groups/{group_jid}"
CALLS = (403, 409, 429, 501, 502)  # not admin, not connected, paced, no adapter, WhatsApp


def _group_jid(request: web.Request) -> str:
    try:
        address = parse_address(request.match_info["group_jid"])
    except InvalidAddress as exc:
        raise ApiError(404, "not_found", "no such group") from exc
    if address.kind != AddressKind.GROUP:
        raise ApiError(404, "not_found", "no such group")
    return address.jid


async def _member_group(request: web.Request) -> tuple[SessionView, GroupView]:
    """The session's group named in the path: 404 unless the session is (or was) in it."""
    session = await owned_session(request)
    query = GetGroup(tenant=session.tenant, session=session.id, group_jid=_group_jid(request))
    group = await request.app[BACKENDS].read(query, GroupView)
    if not group.is_member:
        raise ApiError(409, "not_group_member", "the session is no longer in this group")
    return session, group


async def _run(request: web.Request, session: SessionView, cmd: GroupCommand) -> GroupResult:
    backends = request.app[BACKENDS]
    accepted: Accepted = await backends.accept(cmd)
    await backends.caught_up(session.tenant, session.id, accepted.sequence)
    if accepted.group is None:
        raise ApiError(502, "unreadable_reply", "the session service answered no group result")
    return accepted.group


def _ids(request: web.Request) -> dict[str, str]:
    return {"operation_id": keyed_id(request) or new_id(), "correlation_id": request_id(request)}


@ops(
    "GET", "/v1/sessions/{session_id}/groups",
    summary="The groups the session is in (from the log's projection), by JID",
    params=GroupParams, returns=GroupPage,
)  # fmt: skip
async def list_groups(request: web.Request) -> web.Response:
    session = await owned_session(request)
    p = read_params(request, GroupParams)
    query = ListGroups(tenant=session.tenant, session=session.id, include_left=p.include_left,
                       cursor=p.cursor, limit=p.limit)  # fmt: skip
    page = await request.app[BACKENDS].read(query, GroupList)
    return json_response(GroupPage(items=page.items, next_cursor=page.next_cursor))


@ops("GET", GROUP, summary="One group: subject, description, participants with admin flags",
     returns=GroupView)  # fmt: skip
async def get_group(request: web.Request) -> web.Response:
    session = await owned_session(request)
    query = GetGroup(tenant=session.tenant, session=session.id, group_jid=_group_jid(request))
    return json_response(await request.app[BACKENDS].read(query, GroupView))


@ops(
    "POST", "/v1/sessions/{session_id}/groups",
    summary="Create a group with the session as its admin; says whether each person was added",
    body=NewGroup, status=201, returns=NewGroupMade, errors=CALLS, idempotent=True,
)  # fmt: skip
async def create_group(request: web.Request) -> web.Response:
    session = await owned_session(request)
    body = await read_body(request, NewGroup)
    cmd = CreateGroup(tenant=session.tenant, session=session.id, subject=body.subject,
                      participants=body.participants, **_ids(request))  # fmt: skip
    result = await _run(request, session, cmd)
    made = NewGroupMade(jid=result.group_jid, subject=body.subject.strip(),
                        participants=result.participants)  # fmt: skip
    return json_response(made, 201)


@ops(
    "POST", GROUP + "/participants",
    summary="Add, remove, promote or demote participants; a result for each",
    body=ParticipantChange, returns=ParticipantsChanged, errors=CALLS, idempotent=True,
)  # fmt: skip
async def change_participants(request: web.Request) -> web.Response:
    body = await read_body(request, ParticipantChange)
    session, group = await _member_group(request)
    cmd = UpdateGroupParticipants(tenant=session.tenant, session=session.id, group_jid=group.jid,
                                  action=body.action, participants=body.participants,
                                  **_ids(request))  # fmt: skip
    result = await _run(request, session, cmd)
    out = ParticipantsChanged(jid=group.jid, action=body.action, participants=result.participants)
    return json_response(out)


async def _invite(request: web.Request, reset: bool) -> web.Response:
    session, group = await _member_group(request)
    cmd = GetGroupInvite(tenant=session.tenant, session=session.id, group_jid=group.jid,
                         reset=reset, **_ids(request))  # fmt: skip
    result = await _run(request, session, cmd)
    return json_response(GroupInvite(jid=group.jid, invite_link=result.invite_link or ""))


@ops("GET", GROUP + "/invite", summary="The group's invite link (admins only)",
     returns=GroupInvite, errors=CALLS)  # fmt: skip
async def get_invite(request: web.Request) -> web.Response:
    return await _invite(request, reset=False)


@ops("POST", GROUP + "/invite/revoke", summary="Revoke the invite link; answers the new one",
     returns=GroupInvite, errors=CALLS, idempotent=True)  # fmt: skip
async def revoke_invite(request: web.Request) -> web.Response:
    return await _invite(request, reset=True)


@ops("POST", GROUP + "/leave", summary="Leave the group", returns=GroupLeft, errors=CALLS,
     idempotent=True)  # fmt: skip
async def leave_group(request: web.Request) -> web.Response:
    session, group = await _member_group(request)
    cmd = LeaveGroup(tenant=session.tenant, session=session.id, group_jid=group.jid,
                     **_ids(request))  # fmt: skip
    result = await _run(request, session, cmd)
    return json_response(GroupLeft(jid=result.group_jid, status="left"))
