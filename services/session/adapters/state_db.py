"""The session service's own projection of its events: each session's state as a row, with
the stream position in the same transaction, so start-up never re-reads the whole log."""

from collections.abc import Sequence

import msgspec
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events import SessionCreated
from runtime.consumer import Delivered
from runtime.sql.engine import create_tables, open_engine, upsert
from runtime.sql.tracking import add_tracking_table, adopt_positions
from runtime.sql.unit_of_work import SqlUnitOfWork
from services.session.domain.session import Session

__all__ = ["SessionStateDb", "open_state_db"]

metadata = MetaData()
states = Table(
    "session_states",
    metadata,
    Column("session", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
)
add_tracking_table(metadata)
LEGACY_POSITIONS = "positions"  # where versions before the runtime kit kept the position
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Session)


class SessionStateDb:
    """A projection for ``run_consumer``, and the place sessions are loaded from on start."""

    def __init__(self, engine: AsyncEngine, name: str = "session") -> None:
        self._engine = engine
        self._name = name
        self._uow = SqlUnitOfWork(engine)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def position(self) -> int:
        return await self._uow.position(self._name)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        async with self._uow.begin() as tx:
            conn = tx.connection
            touched: dict[str, Session] = {}
            for item in batch:
                env = item.event
                state = touched.get(env.session)
                if state is None:
                    body = await conn.scalar(
                        select(states.c.body).where(states.c.session == env.session)
                    )
                    state = _decoder.decode(body) if body is not None else None
                if state is None and isinstance(env.payload, SessionCreated):
                    state = Session(tenant=env.tenant, session=env.session)
                if state is None or state.tenant != env.tenant:
                    continue
                state.apply(env.payload, env.occurred_at)
                touched[env.session] = state
            dialect = conn.dialect.name
            for session, state in touched.items():
                row = {"session": session, "tenant": state.tenant, "body": _encoder.encode(state)}
                await conn.execute(upsert(dialect, states, ["session"], row))
            await tx.save_position(self._name, batch[-1].sequence)

    async def load(self, session: str) -> Session | None:
        async with self._engine.connect() as conn:
            body = await conn.scalar(select(states.c.body).where(states.c.session == session))
        return _decoder.decode(body) if body is not None else None

    async def count_live(self, tenant: str) -> int:
        """The tenant's sessions that are not deleted."""
        stmt = select(states.c.body).where(states.c.tenant == tenant)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).scalars().all()
        return sum(1 for body in rows if _decoder.decode(body).status != "deleted")

    async def load_all(self) -> list[Session]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(states.c.body))).scalars().all()
        return [_decoder.decode(body) for body in rows]

    async def close(self) -> None:
        await self._engine.dispose()


async def open_state_db(url: str) -> SessionStateDb:
    """Open (creating the tables; adopting an older version's position table)."""
    engine = open_engine(url)
    await create_tables(engine, metadata, then=[adopt_positions(LEGACY_POSITIONS)])
    return SessionStateDb(engine)
