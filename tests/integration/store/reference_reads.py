"""The reads of sessions, messages and contacts as the store answered them before the lean
path (SQLAlchemy Core rows -> views): the oracle that the lean reads must agree with."""

from typing import Any

import msgspec
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.queries import (
    ContactList,
    ContactView,
    GetMessage,
    GetSession,
    ListContacts,
    ListMessages,
    ListSessions,
    MessageList,
    MessageView,
    SessionList,
    SessionView,
)
from services.store.adapters.reads import message_view, view
from services.store.adapters.tables import chats, contacts, messages, session_disconnects, sessions
from services.store.domain.cursors import KeyCursor, TimeCursor, decode_cursor, encode_cursor
from tests.integration.store.reference_conversation import with_conversation

DOWN = ("reconnecting", "needs_attention")  # the statuses a disconnect leaves a session in

__all__ = ["get_message", "get_session", "list_contacts", "list_messages", "list_sessions"]


async def get_session(conn: AsyncConnection, q: GetSession) -> SessionView | None:
    stmt = select(sessions).where(sessions.c.tenant == q.tenant, sessions.c.id == q.session)
    row = (await conn.execute(stmt)).mappings().first()
    return None if row is None else await _session(conn, row)


async def _session(conn: AsyncConnection, row: RowMapping) -> SessionView:
    """The view of a session's row, with the attempt of its latest disconnect while down."""
    d = session_disconnects.c
    latest = select(d.attempt).where(d.tenant == row["tenant"], d.session_id == row["id"])
    attempt = (await conn.execute(latest.order_by(d.sequence.desc()).limit(1))).scalar()
    down = row["status"] in DOWN and attempt is not None
    return msgspec.structs.replace(
        view(SessionView, row), reconnect_attempts=attempt if down else 0
    )


async def list_sessions(conn: AsyncConnection, q: ListSessions) -> SessionList:
    stmt = select(sessions).where(sessions.c.tenant == q.tenant)
    if q.cursor is not None:
        stmt = stmt.where(sessions.c.id > decode_cursor(q.cursor, KeyCursor).key)
    rows = await _page(conn, stmt.order_by(sessions.c.id), q.limit)
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    cursor = encode_cursor(KeyCursor(rows[-1]["id"])) if more else None
    return SessionList(items=[await _session(conn, r) for r in rows], next_cursor=cursor)


async def get_message(conn: AsyncConnection, q: GetMessage) -> MessageView | None:
    m = messages.c
    stmt = select(messages).where(
        m.tenant == q.tenant, m.session_id == q.session, m.message_id == q.message_id
    )
    row = (await conn.execute(stmt)).mappings().first()
    return None if row is None else (await with_conversation(conn, [message_view(row)], [row]))[0]


async def _page(conn: AsyncConnection, stmt: Select[Any], limit: int) -> list[RowMapping]:
    return list((await conn.execute(stmt.limit(limit + 1))).mappings().all())


async def list_messages(conn: AsyncConnection, q: ListMessages) -> MessageList:
    m = messages.c
    stmt = select(messages).where(m.tenant == q.tenant, m.session_id == q.session)
    if q.chat_jid is not None:  # the chat's messages under its phone JID and its linked LID
        c = chats.c
        lid_of = select(c.lid).where(
            c.tenant == q.tenant, c.session_id == q.session, c.jid == q.chat_jid
        )
        lid = await conn.scalar(lid_of)
        same = m.chat_jid == q.chat_jid
        stmt = stmt.where(same if lid is None else or_(same, m.chat_jid == lid))
    if q.cursor is not None:
        after = decode_cursor(q.cursor, TimeCursor)
        stmt = stmt.where(
            or_(m.sort_at < after.at, and_(m.sort_at == after.at, m.message_id < after.key))
        )
    rows = await _page(conn, stmt.order_by(m.sort_at.desc(), m.message_id.desc()), q.limit)
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    last = rows[-1] if more else None
    cursor = (
        None if last is None else encode_cursor(TimeCursor(last["sort_at"], last["message_id"]))
    )
    items = await with_conversation(conn, [message_view(r) for r in rows], rows)
    return MessageList(items=items, next_cursor=cursor)


async def list_contacts(conn: AsyncConnection, q: ListContacts) -> ContactList:
    c = contacts.c
    stmt = select(contacts).where(c.tenant == q.tenant, c.session_id == q.session)
    if q.cursor is not None:
        stmt = stmt.where(c.jid > decode_cursor(q.cursor, KeyCursor).key)
    rows = await _page(conn, stmt.order_by(c.jid), q.limit)
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    cursor = encode_cursor(KeyCursor(rows[-1]["jid"])) if more else None
    return ContactList(
        items=[view(ContactView, r, session="session_id") for r in rows], next_cursor=cursor
    )
