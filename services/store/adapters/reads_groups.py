"""Reads of groups and their participants; every statement is filtered by tenant."""

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.group_queries import GetGroup, GroupList, GroupParticipantView, GroupView, ListGroups
from services.store.adapters.reads import view
from services.store.adapters.tables import group_participants, groups
from services.store.domain.cursors import KeyCursor, decode_cursor, encode_cursor

__all__ = ["get_group", "list_groups"]


async def list_groups(conn: AsyncConnection, q: ListGroups) -> GroupList:
    g = groups.c
    stmt = select(groups).where(g.tenant == q.tenant, g.session_id == q.session)
    if not q.include_left:
        stmt = stmt.where(g.is_member)
    if q.cursor is not None:
        stmt = stmt.where(g.jid > decode_cursor(q.cursor, KeyCursor).key)
    rows = list((await conn.execute(stmt.order_by(g.jid).limit(q.limit + 1))).mappings().all())
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    cursor = encode_cursor(KeyCursor(rows[-1]["jid"])) if more else None
    items = [view(GroupView, r, session="session_id") for r in rows]
    return GroupList(items=items, next_cursor=cursor)


async def get_group(conn: AsyncConnection, q: GetGroup) -> GroupView | None:
    g, p = groups.c, group_participants.c
    stmt = select(groups).where(
        g.tenant == q.tenant, g.session_id == q.session, g.jid == q.group_jid
    )
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    people = select(group_participants).where(
        p.tenant == q.tenant, p.session_id == q.session, p.group_jid == q.group_jid
    )
    members = (await conn.execute(people.order_by(p.jid))).mappings().all()
    participants = [view(GroupParticipantView, m) for m in members]
    group = view(GroupView, row, session="session_id")
    return msgspec.structs.replace(group, participants=participants)
