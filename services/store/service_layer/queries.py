"""Query handlers: every query is scoped by tenant; reads may wait for a position first."""

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.commands import Refused
from contracts.queries import GetSession, ListSessions, Query, QueryReply, SessionList, SessionView
from services.store.adapters.tables import sessions
from services.store.service_layer.position import PositionWatch


def _session_view(row: RowMapping) -> SessionView:
    return SessionView(**{k: row[k] for k in SessionView.__struct_fields__})


class QueryHandlers:
    def __init__(self, engine: AsyncEngine, watch: PositionWatch) -> None:
        self._engine = engine
        self._watch = watch

    async def handle(self, query: Query) -> QueryReply:
        if query.min_sequence and not await self._watch.wait_for(
            query.min_sequence, query.wait_ms / 1000
        ):
            return Refused(code="not_caught_up", message="the store has not reached that position")
        match query:
            case GetSession():
                return await self._get_session(query)
            case ListSessions():
                return await self._list_sessions(query)

    async def _get_session(self, q: GetSession) -> QueryReply:
        stmt = select(sessions).where(sessions.c.id == q.session, sessions.c.tenant == q.tenant)
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).mappings().first()
        if row is None:
            return Refused(code="not_found", message="no such session")
        return _session_view(row)

    async def _list_sessions(self, q: ListSessions) -> QueryReply:
        stmt = select(sessions).where(sessions.c.tenant == q.tenant).order_by(sessions.c.id)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return SessionList(items=[_session_view(r) for r in rows])
