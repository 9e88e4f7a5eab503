"""``wa sim group``: the session's phone, or someone else in a group, changes a group, and
the simulated client reports it as WhatsApp would (when it is online; else the next
connection's group list shows it)."""

import msgspec

from contracts.addresses import InvalidAddress, parse_address
from contracts.simulator_groups import SimGroup, SimGroupReply
from services.session.adapters.whatsapp.groups import ChangeKind, GroupChange
from services.session.adapters.whatsapp.simulator.group_calls import (
    SimGroupCalls,
    apply_action,
    now,
)
from services.session.adapters.whatsapp.simulator.group_store import (
    SimGroupStore,
    StoredGroup,
    user_jid,
)
from services.session.adapters.whatsapp.simulator.port import SimulatorPort

__all__ = ["group_verb"]


async def group_verb(port: SimulatorPort, req: SimGroup) -> SimGroupReply:
    device = port.server.device(req.session)
    if device is None:
        return SimGroupReply(ok=False, error="not_paired")
    me = user_jid(device.jid)
    try:
        people = [parse_address(p).jid for p in req.participants]
        by = parse_address(req.by).jid if req.by else me
        group_jid = parse_address(req.group).jid if req.group else None
    except InvalidAddress as exc:
        return SimGroupReply(ok=False, error=f"invalid_address: {exc.reason}")
    store = SimGroupStore(port.server.root)
    if req.action == "create" or (group_jid is None and req.action == "add" and me in people):
        owner = me if req.action == "create" else by
        made = store.create(req.session, req.subject or "Simulated group", owner, people)
        kind: ChangeKind = "created" if owner == me else "joined"
        change = GroupChange(kind=kind, group_jid=made.info.jid, at=now(), by_jid=by,
                             info=made.info)  # fmt: skip
        return await _report(port, req.session, change)
    group = store.get(req.session, group_jid or "")
    if group is None:
        return SimGroupReply(ok=False, error="unknown_group")
    before = group.info
    if req.action == "subject":
        if not req.subject:
            return SimGroupReply(ok=False, error="bad_request: subject")
        after = msgspec.structs.replace(before, subject=req.subject)
        change = GroupChange(kind="subject", group_jid=before.jid, at=now(), by_jid=by,
                             subject=req.subject)  # fmt: skip
    else:
        after, results = apply_action(before, req.action, people)
        done = [r.jid for r in results if r.status == "ok"]
        change = GroupChange(kind="participants", group_jid=before.jid, at=now(), by_jid=by,
                             action=req.action, participants=done)  # fmt: skip
        if req.action == "add" and me in done:  # the session's number was added: it joined
            change = GroupChange(kind="joined", group_jid=before.jid, at=now(), by_jid=by,
                                 info=after)  # fmt: skip
    store.put(req.session, StoredGroup(info=after, invite_code=group.invite_code))
    return await _report(port, req.session, change)


async def _report(port: SimulatorPort, session: str, change: GroupChange) -> SimGroupReply:
    client = port.clients.get(session)
    reported = isinstance(client, SimGroupCalls) and await client.report(change)
    return SimGroupReply(ok=True, group_jid=change.group_jid,
                         error=None if reported else "offline")  # fmt: skip
