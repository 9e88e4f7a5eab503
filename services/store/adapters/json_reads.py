"""Sessions, messages and contacts answered as JSON bytes built from the driver's rows.

Every statement is filtered by tenant. Each is SQLAlchemy Core compiled once per dialect
(``CompiledStatement``: positional driver SQL, times bound as ``UtcDateTime`` binds them);
rows become reply objects through a ``RowShape`` and the reply is encoded once. The bytes
are the ``QueryReply`` JSON, tag first, so the gateway can pass a page on undecoded.
``require_session``: a list that comes back empty, or a message not found, is told apart
from a session the tenant does not have by one more indexed lookup; a non-empty page needs
none (its rows were found by tenant and session).
"""

from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from sqlalchemy import Integer, Select, and_, or_, select
from sqlalchemy.engine import Dialect

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
from runtime.sql.types import UtcDateTime
from services.store.adapters.compiled import CompiledStatement
from services.store.adapters.json_pages import OnePage, Order, one_row_page
from services.store.adapters.json_rows import RowShape, row_time, utf8
from services.store.adapters.message_view import read_expression
from services.store.adapters.row_source import RowSource
from services.store.adapters.statements import ZERO, P
from services.store.adapters.tables import chats, contacts, messages, sessions
from services.store.domain.cursors import KeyCursor, TimeCursor, decode_cursor, encode_cursor
from services.store.service_layer.ports import Missing

__all__ = ["JsonReads", "Missing"]

Rows = Sequence[Sequence[Any]]
NEWEST_FIRST = (("sort_at", True), ("message_id", True))  # a page of messages' order


def _list(kind: type[msgspec.Struct], items: bytes, cursor: str | None) -> bytes:
    """The list reply, tag first: ``{"type":…,"items":[…],"next_cursor":…}``."""
    head = f'{{"type":"{kind.__struct_config__.tag}","items":['.encode()
    tail = b"null" if cursor is None else f'"{cursor}"'.encode()  # base64url: nothing to escape
    return b"".join((head, items, b'],"next_cursor":', tail, b"}"))


class JsonReads:
    """The lean reads of one database."""

    def __init__(self, source: RowSource, dialect: Dialect) -> None:
        self._source, self._dialect, d = source, dialect, dialect.name
        own = {"session": "session_id"}
        self.session = RowShape(SessionView, sessions, d, extra=("id",))
        self.message = RowShape(
            MessageView, messages, d, extra=("sort_at", "message_id"), stored=read_expression(d)
        )
        self.contact = RowShape(ContactView, contacts, d, renamed=own, extra=("jid",))
        self._compiled: dict[tuple[object, ...], CompiledStatement] = {}

    async def close(self) -> None:
        await self._source.close()

    async def _rows(
        self, key: tuple[object, ...], build: Callable[[], Any], /, **params: Any
    ) -> Rows:
        statement = self._compiled.get(key)
        if statement is None:
            statement = self._compiled[key] = CompiledStatement(build(), self._dialect)
        (bound,) = statement.bind([params])
        return await self._source.rows(statement.sql, bound)

    async def _session_exists(self, tenant: str, session: str) -> bool:
        s = sessions.c
        stmt = lambda: select(s.id).where(s.tenant == P("tenant"), s.id == P("session"))  # noqa: E731
        return bool(await self._rows(("session?",), stmt, tenant=tenant, session=session))

    async def _lid_of(self, tenant: str, session: str, jid: str) -> str | None:
        c = chats.c
        stmt = lambda: select(c.lid).where(  # noqa: E731
            c.tenant == P("tenant"), c.session_id == P("session"), c.jid == P("jid")
        )
        rows = await self._rows(("lid",), stmt, tenant=tenant, session=session, jid=jid)
        return rows[0][0] if rows else None

    async def _page(
        self,
        kind: type[msgspec.Struct],
        shape: RowShape,
        key: tuple[object, ...],
        build: Callable[[], Select[Any]],
        order: Order,
        cursor_of: Callable[[Sequence[Any]], TimeCursor | KeyCursor],
        limit: int,
        /,
        **params: Any,
    ) -> tuple[bytes, bool]:
        """The list reply of a page statement (``build``: ``limit + 1`` rows in ``order``),
        and whether it found no row. ``cursor_of``: a cursor from a row (``shape.index``)."""
        if self._dialect.name == "sqlite":
            rows = await self._rows(key, build, limit=limit + 1, **params)
            more, rows = len(rows) > limit, rows[:limit]
            cursor = encode_cursor(cursor_of(rows[-1])) if more else None
            return _list(kind, shape.joined(rows), cursor), not rows
        one = lambda: one_row_page(build(), shape.extra, order)  # noqa: E731 (json_pages.py)
        (row,) = await self._rows(("one row", *key), one, limit=limit + 1, shown=limit, **params)
        page = OnePage.of(row)
        cursor = encode_cursor(cursor_of((None, *page.last))) if page.found > limit else None
        return _list(kind, utf8(page.items or ""), cursor), not page.found

    async def get_session(self, q: GetSession) -> bytes:
        s = sessions.c

        def stmt() -> Select[Any]:
            return self.session.select().where(s.tenant == P("tenant"), s.id == P("session"))

        rows = await self._rows(("session",), stmt, tenant=q.tenant, session=q.session)
        if not rows:
            raise Missing("session")
        return utf8(rows[0][0])

    async def list_sessions(self, q: ListSessions) -> bytes:
        s, after = sessions.c, q.cursor is not None

        def stmt() -> Select[Any]:
            found = self.session.select().where(s.tenant == P("tenant"))
            found = found.where(s.id > P("after")) if after else found
            return found.order_by(s.id).limit(P("limit", Integer())).offset(ZERO)

        key = None if q.cursor is None else decode_cursor(q.cursor, KeyCursor).key
        at = self.session.index["id"]
        page, _ = await self._page(
            SessionList, self.session, ("sessions", after), stmt, (("id", False),),
            lambda r: KeyCursor(r[at]), q.limit, tenant=q.tenant, after=key,
        )  # fmt: skip
        return page

    async def list_messages(self, q: ListMessages) -> bytes:
        m, after = messages.c, q.cursor is not None
        lid = None if q.chat_jid is None else await self._lid_of(q.tenant, q.session, q.chat_jid)
        chat = 0 if q.chat_jid is None else 1 if lid is None else 2  # filters: none, JID, both

        def stmt() -> Select[Any]:
            found = self.message.select().where(
                m.tenant == P("tenant"), m.session_id == P("session")
            )
            if chat:  # the chat's messages under its phone JID (and its linked LID)
                same = m.chat_jid == P("chat")
                found = found.where(same if chat == 1 else or_(same, m.chat_jid == P("lid")))
            if after:
                at, key = P("at", UtcDateTime()), P("key")
                found = found.where(or_(m.sort_at < at, and_(m.sort_at == at, m.message_id < key)))
            order = (m.sort_at.desc(), m.message_id.desc())
            return found.order_by(*order).limit(P("limit", Integer())).offset(ZERO)

        cursor = None if q.cursor is None else decode_cursor(q.cursor, TimeCursor)
        at, key = self.message.index["sort_at"], self.message.index["message_id"]
        page, empty = await self._page(
            MessageList, self.message, ("messages", chat, after), stmt, NEWEST_FIRST,
            lambda r: TimeCursor(row_time(r[at]), r[key]), q.limit, tenant=q.tenant,
            session=q.session, chat=q.chat_jid, lid=lid, at=cursor and cursor.at,
            key=cursor and cursor.key,
        )  # fmt: skip
        if empty and q.require_session and not await self._session_exists(q.tenant, q.session):
            raise Missing("session")
        return page

    async def get_message(self, q: GetMessage) -> bytes:
        m = messages.c

        def stmt() -> Select[Any]:
            return self.message.select().where(
                m.tenant == P("tenant"), m.session_id == P("session"), m.message_id == P("id")
            )

        rows = await self._rows(
            ("message",), stmt, tenant=q.tenant, session=q.session, id=q.message_id
        )
        if rows:
            return utf8(rows[0][0])
        if q.require_session and not await self._session_exists(q.tenant, q.session):
            raise Missing("session")
        raise Missing("message")

    async def list_contacts(self, q: ListContacts) -> bytes:
        c, after = contacts.c, q.cursor is not None

        def stmt() -> Select[Any]:
            found = self.contact.select().where(
                c.tenant == P("tenant"), c.session_id == P("session")
            )
            found = found.where(c.jid > P("after")) if after else found
            return found.order_by(c.jid).limit(P("limit", Integer())).offset(ZERO)

        key = None if q.cursor is None else decode_cursor(q.cursor, KeyCursor).key
        at = self.contact.index["jid"]
        page, empty = await self._page(
            ContactList, self.contact, ("contacts", after), stmt, (("jid", False),),
            lambda r: KeyCursor(r[at]), q.limit, tenant=q.tenant, session=q.session, after=key,
        )  # fmt: skip
        if empty and q.require_session and not await self._session_exists(q.tenant, q.session):
            raise Missing("session")
        return page
