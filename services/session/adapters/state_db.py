"""The session service's own projection of its events: each session's state as a row, with
the stream position in the same transaction, so start-up never re-reads the whole log."""

from collections.abc import Sequence
from pathlib import Path

import msgspec
from sqlalchemy import BigInteger, Column, LargeBinary, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from contracts.events import SessionCreated
from runtime.consumer import Delivered
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
positions = Table(
    "positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Session)


class SessionStateDb:
    """A projection for ``run_consumer``, and the place sessions are loaded from on start."""

    def __init__(self, engine: AsyncEngine, name: str = "session") -> None:
        self._engine = engine
        self._name = name
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def position(self) -> int:
        async with self._engine.connect() as conn:
            value = await conn.scalar(
                select(positions.c.position).where(positions.c.name == self._name)
            )
        return int(value or 0)

    async def apply(self, batch: Sequence[Delivered]) -> None:
        async with self._engine.begin() as conn:
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
            for session, state in touched.items():
                row = {"session": session, "tenant": state.tenant, "body": _encoder.encode(state)}
                stmt = self._insert(states).values(**row)
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[states.c.session], set_={"body": stmt.excluded.body}
                    )
                )
            stmt = self._insert(positions).values(name=self._name, position=batch[-1].sequence)
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[positions.c.name], set_={"position": stmt.excluded.position}
                )
            )

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
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return SessionStateDb(engine)
