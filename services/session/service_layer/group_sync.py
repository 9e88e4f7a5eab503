"""Group facts into the log: what a client reports (changes, and the groups it is in when it
connects) becomes ``group.*`` events, each with an id made from the fact it records."""

from typing import TypeVar

from contracts.events import (
    Event,
    GroupCreated,
    GroupDescriptionChanged,
    GroupJoined,
    GroupLeft,
    GroupParticipantsChanged,
    GroupSubjectChanged,
    GroupSynced,
)
from runtime.logging import get_logger
from services.session.adapters.whatsapp.groups import GroupChange, GroupClient, GroupInfo
from services.session.service_layer.group_memory import fingerprint
from services.session.service_layer.owned_sessions import OwnedSessions
from services.session.service_layer.session_runtime import SessionRuntime
from services.session.service_layer.stable_ids import stable_event_id

__all__ = ["change_events", "is_me", "record_change", "snapshot", "sync_groups"]

log = get_logger(__name__)


def is_me(jid: str, own_jid: str | None) -> bool:
    """``jid`` is our own number (our JID carries a device suffix, ``2010…:12@s.whatsapp.net``)."""
    if own_jid is None:
        return False
    user, _, server = own_jid.partition("@")
    return jid == f"{user.split(':', 1)[0]}@{server}" or jid == own_jid


S = TypeVar("S", GroupCreated, GroupJoined, GroupSynced)


def snapshot(kind: type[S], info: GroupInfo, **extra: str | None) -> S:
    """The group as an event of ``kind`` (created, joined or synced)."""
    return kind(
        group_jid=info.jid,
        subject=info.subject,
        description=info.description,
        owner_jid=info.owner_jid,
        participants=list(info.participants),
        **extra,
    )


def change_events(change: GroupChange, own_jid: str | None) -> list[Event]:
    g, by = change.group_jid, change.by_jid
    match change.kind:
        case "created" if change.info is not None:
            return [snapshot(GroupCreated, change.info)]
        case "joined" if change.info is not None:
            return [snapshot(GroupJoined, change.info, by_jid=by)]
        case "left":
            return [GroupLeft(group_jid=g, by_jid=by)]
        case "subject" if change.subject is not None:
            return [GroupSubjectChanged(group_jid=g, subject=change.subject, by_jid=by)]
        case "description":
            return [GroupDescriptionChanged(group_jid=g, description=change.description, by_jid=by)]
        case "participants" if change.action is not None and change.participants:
            events: list[Event] = [
                GroupParticipantsChanged(
                    group_jid=g, action=change.action, participants=change.participants, by_jid=by
                )
            ]
            if change.action == "remove" and any(is_me(j, own_jid) for j in change.participants):
                events.append(GroupLeft(group_jid=g, by_jid=by))
            return events
    return []


async def record_change(core: OwnedSessions, rt: SessionRuntime, change: GroupChange) -> None:
    """Append what a reported change means; a redelivered report gets the same event ids."""
    fact = "/".join(
        [change.kind, change.group_jid, change.at.isoformat(), change.action or "",
         ",".join(change.participants), change.subject or "", change.by_jid or ""]
    )  # fmt: skip
    events = change_events(change, rt.state.jid)
    for index, event in enumerate(events):
        event_id = stable_event_id(rt.tenant, rt.session, "group", fact, str(index))
        await _log(core, rt, event, event_id)
    core.groups.changed(rt.tenant, rt.session, change.group_jid)


async def _log(core: OwnedSessions, rt: SessionRuntime, event: Event, event_id: str) -> None:
    """Append a group fact; the session's groups follow it (a join, a snapshot, a leave)."""
    await core.publish_fact(rt, event, event_id)
    rt.state.apply(event, core.deps.now())


async def sync_groups(core: OwnedSessions, rt: SessionRuntime) -> None:
    """Once connected: log each group the number is in whose snapshot is not the last logged,
    and as left each group it was known to be in and no longer is (left, or removed, while the
    session was offline: WhatsApp does not replay that)."""
    client, generation = rt.client, rt.generation
    if not isinstance(client, GroupClient):
        return
    known = set(rt.state.groups)  # a group joined during the call: not in it
    try:
        groups = await client.get_joined_groups()
    except Exception as exc:
        log.warning("groups.sync_failed", tenant=rt.tenant, session=rt.session, error=str(exc))
        return
    async with rt.lock:
        if generation != rt.generation or rt.state.status != "connected":
            return
        for info in groups:
            if core.groups.unchanged(rt.tenant, rt.session, info):
                continue
            event_id = stable_event_id(rt.tenant, rt.session, "sync", info.jid, fingerprint(info))
            synced = snapshot(GroupSynced, info)
            await _log(core, rt, synced, event_id)
        still = set(rt.state.groups)  # less any left during the call
        gone = sorted((known & still) - {g.jid for g in groups})
        for jid in gone:
            event_id = stable_event_id(rt.tenant, rt.session, "sync-left", jid, str(generation))
            left = GroupLeft(group_jid=jid)
            await _log(core, rt, left, event_id)
            core.groups.changed(rt.tenant, rt.session, jid)
    log.info("groups.synced", tenant=rt.tenant, session=rt.session, groups=len(groups),
             left=len(gone))  # fmt: skip
