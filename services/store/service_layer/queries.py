"""Query handlers: every query is scoped by tenant; reads may wait for a position first.

Replies are JSON bytes (``QueryReply``, tag first). Sessions, messages and contacts come
from the lean reads (driver rows straight into the reply); the rest through SQLAlchemy.
"""

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.commands import Refused
from contracts.group_queries import GetGroup, ListGroups
from contracts.queries import (
    GetAppointment,
    GetChat,
    GetMessage,
    GetReminder,
    GetSession,
    GetStats,
    ListChats,
    ListContacts,
    ListMessages,
    ListReminders,
    ListSessions,
    Query,
    QueryReply,
)
from services.store.adapters import reads_chats, reads_groups, reads_reminders
from services.store.adapters.json_reads import JsonReads, Missing
from services.store.adapters.row_source import row_source
from services.store.domain.cursors import BadCursor
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.reply_cache import Scope

__all__ = ["MAX_WAIT_MS", "QueryHandlers"]

MAX_WAIT_MS = 30_000  # a query never holds a handler slot longer than this
_encoder = msgspec.json.Encoder()


class QueryHandlers:
    """Answers typed queries from the tables, after waiting for ``min_sequence`` if asked."""

    def __init__(self, engine: AsyncEngine, watch: PositionWatch) -> None:
        self._engine = engine
        self._watch = watch
        self._json = JsonReads(row_source(engine), engine.dialect)

    async def handle(self, query: Query) -> bytes:
        """The reply's JSON: the rows found, or a ``Refused``."""
        if query.min_sequence and not await self._watch.wait_for(
            query.min_sequence, min(max(query.wait_ms, 0), MAX_WAIT_MS) / 1000
        ):
            return _refused(
                "not_caught_up",
                "the store has not reached that position yet",
                {"position": str(self._watch.position)},
            )
        try:
            found = await self._cached(query)
        except BadCursor as exc:
            return _refused("bad_query", str(exc), {"field": "cursor"})
        except Missing as exc:
            return _refused("not_found", f"no such {exc.what}")
        if found is None:
            return _refused("not_found", f"no such {_noun(query)}")
        return found if isinstance(found, bytes) else _encoder.encode(found)

    async def _cached(self, query: Query) -> QueryReply | bytes | None:
        scope = _scope(query)
        if scope is None:
            return await self._read(query)
        key = msgspec.structs.replace(query, min_sequence=0, wait_ms=0)
        replies = self._watch.replies
        kept = replies.get(key)
        if kept is not None:
            return kept
        stamp = replies.stamp(scope)  # before the read: see reply_cache.py
        found = await self._read(query)
        if isinstance(found, bytes):
            replies.put(key, scope, stamp, found)
        return found

    async def _read(self, query: Query) -> QueryReply | bytes | None:
        match query:
            case GetSession():
                return await self._json.get_session(query)
            case ListSessions():
                return await self._json.list_sessions(query)
            case ListMessages():
                return await self._json.list_messages(query)
            case GetMessage():
                return await self._json.get_message(query)
            case ListContacts():
                return await self._json.list_contacts(query)
        async with self._engine.connect() as conn:
            match query:
                case ListReminders():
                    return await reads_reminders.list_reminders(conn, query)
                case GetReminder():
                    return await reads_reminders.get_reminder(conn, query)
                case GetAppointment():
                    return await reads_reminders.get_appointment(conn, query)
                case GetStats():
                    return await reads_reminders.get_stats(conn, query)
                case ListGroups():
                    return await reads_groups.list_groups(conn, query)
                case GetGroup():
                    return await reads_groups.get_group(conn, query)
                case ListChats():
                    return await reads_chats.list_chats(conn, query)
                case GetChat():
                    return await reads_chats.get_chat(conn, query)
        return None

    async def close(self) -> None:
        await self._json.close()


def _scope(query: Query) -> Scope | None:
    """What a query's reply depends on, for the reply cache; None: not cached."""
    match query:
        case GetSession() | ListMessages() | GetMessage() | ListContacts():
            return query.tenant, query.session
        case ListSessions():
            return query.tenant, ""
    return None


def _refused(code: str, message: str, details: dict[str, str | int] | None = None) -> bytes:
    return _encoder.encode(Refused(code=code, message=message, details=details or {}))


def _noun(query: Query) -> str:
    return type(query).__name__.removeprefix("Get").lower()
