"""``Reads`` on the store's tables: sessions, messages and contacts from the lean reads
(driver rows straight into the reply's JSON); the rest through SQLAlchemy."""

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.group_queries import GetGroup, ListGroups
from contracts.queries import (
    GetAppointment,
    GetChat,
    GetMessage,
    GetReminder,
    GetSession,
    GetStats,
    ListAppointments,
    ListChats,
    ListContacts,
    ListMessages,
    ListReminders,
    ListSessions,
    Query,
    QueryReply,
)
from services.store.adapters import reads_chats, reads_groups, reads_reminders
from services.store.adapters.json_reads import JsonReads
from services.store.adapters.row_source import row_source

__all__ = ["SqlReads"]


class SqlReads:
    """Reads of one engine (a read-only one in the service); ``close`` leaves it open."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._json = JsonReads(row_source(engine), engine.dialect)

    async def read(self, query: Query) -> QueryReply | bytes | None:
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
                case ListAppointments():
                    return await reads_reminders.list_appointments(conn, query)
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
