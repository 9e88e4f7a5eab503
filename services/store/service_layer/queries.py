"""Query handlers: every query is scoped by tenant; reads may wait for a position first."""

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
from services.store.adapters import reads, reads_chats, reads_groups, reads_reminders
from services.store.domain.cursors import BadCursor
from services.store.service_layer.position import PositionWatch

__all__ = ["MAX_WAIT_MS", "QueryHandlers"]

MAX_WAIT_MS = 30_000  # a query never holds a handler slot longer than this


class QueryHandlers:
    """Answers typed queries from the tables, after waiting for ``min_sequence`` if asked."""

    def __init__(self, engine: AsyncEngine, watch: PositionWatch) -> None:
        self._engine = engine
        self._watch = watch

    async def handle(self, query: Query) -> QueryReply:
        if query.min_sequence and not await self._watch.wait_for(
            query.min_sequence, min(max(query.wait_ms, 0), MAX_WAIT_MS) / 1000
        ):
            return Refused(
                code="not_caught_up",
                message="the store has not reached that position yet",
                details={"position": str(self._watch.position)},
            )
        try:
            found = await self._read(query)
        except BadCursor as exc:
            return Refused(code="bad_query", message=str(exc), details={"field": "cursor"})
        return (
            Refused(code="not_found", message=f"no such {_noun(query)}") if found is None else found
        )

    async def _read(self, query: Query) -> QueryReply | None:
        async with self._engine.connect() as conn:
            match query:
                case GetSession():
                    return await reads.get_session(conn, query)
                case ListSessions():
                    return await reads.list_sessions(conn, query)
                case ListMessages():
                    return await reads.list_messages(conn, query)
                case GetMessage():
                    return await reads.get_message(conn, query)
                case ListContacts():
                    return await reads.list_contacts(conn, query)
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


def _noun(query: Query) -> str:
    return type(query).__name__.removeprefix("Get").lower()
