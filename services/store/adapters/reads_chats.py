"""Reads of chats: most recent first, each with its newest message and unread count (incoming
messages after our last read receipt, under the chat's JID or its linked LID)."""

from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.queries import ChatList, ChatView, GetChat, ListChats, MessageView
from services.store.adapters.reads import message_view
from services.store.adapters.tables import chats, contacts, messages
from services.store.domain.cursors import TimeCursor, decode_cursor, encode_cursor

__all__ = ["get_chat", "list_chats"]

ch, c, m = chats.c, contacts.c, messages.c


def _unread(jid: Any) -> Any:
    return (
        select(func.count())
        .where(
            m.tenant == ch.tenant,
            m.session_id == ch.session_id,
            m.chat_jid == jid,
            m.from_me == false(),
            or_(ch.last_read_at.is_(None), m.sort_at > ch.last_read_at),
        )
        .scalar_subquery()
    )


def _select() -> Any:
    name = (
        select(func.coalesce(c.saved_name, c.push_name))
        .where(c.tenant == ch.tenant, c.session_id == ch.session_id, c.jid == ch.jid)
        .scalar_subquery()
    )
    return select(
        chats,
        func.coalesce(ch.name, name).label("display_name"),
        (_unread(ch.jid) + func.coalesce(_unread(ch.lid), 0)).label("unread"),
    )


async def _views(conn: AsyncConnection, rows: list[RowMapping]) -> list[ChatView]:
    if not rows:
        return []
    first = rows[0]
    ids = [r["last_message_id"] for r in rows]
    stmt = select(messages).where(
        m.tenant == first["tenant"], m.session_id == first["session_id"], m.message_id.in_(ids)
    )
    found: dict[str, MessageView] = {
        r["message_id"]: message_view(r) for r in (await conn.execute(stmt)).mappings()
    }
    return [
        ChatView(
            tenant=r["tenant"],
            session=r["session_id"],
            jid=r["jid"],
            lid=r["lid"],
            kind="group" if r["jid"].endswith("@g.us") else "user",
            name=r["display_name"],
            last_message=found.get(r["last_message_id"]),
            unread_count=int(r["unread"] or 0),
            last_activity_at=r["last_activity_at"],
            last_read_at=r["last_read_at"],
            sequence=r["sequence"],
        )
        for r in rows
    ]


async def list_chats(conn: AsyncConnection, q: ListChats) -> ChatList:
    stmt = _select().where(ch.tenant == q.tenant, ch.session_id == q.session)
    if q.cursor is not None:
        after = decode_cursor(q.cursor, TimeCursor)
        stmt = stmt.where(
            or_(
                ch.last_activity_at < after.at,
                and_(ch.last_activity_at == after.at, ch.jid < after.key),
            )
        )
    stmt = stmt.order_by(ch.last_activity_at.desc(), ch.jid.desc()).limit(q.limit + 1)
    rows = list((await conn.execute(stmt)).mappings().all())
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    last = rows[-1] if more else None
    cursor = (
        None if last is None else encode_cursor(TimeCursor(last["last_activity_at"], last["jid"]))
    )
    return ChatList(items=await _views(conn, rows), next_cursor=cursor)


async def get_chat(conn: AsyncConnection, q: GetChat) -> ChatView | None:
    stmt = _select().where(
        ch.tenant == q.tenant,
        ch.session_id == q.session,
        or_(ch.jid == q.chat_jid, ch.lid == q.chat_jid),
    )
    row = (await conn.execute(stmt.order_by(ch.jid).limit(1))).mappings().first()
    views = await _views(conn, [row]) if row is not None else []
    return views[0] if views else None
