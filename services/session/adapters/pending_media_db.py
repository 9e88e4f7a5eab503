"""Received files still to fetch, in the session service's own database."""

from sqlalchemy import Column, LargeBinary, MetaData, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from services.session.service_layer.pending_media import PendingMedia, PendingMediaStore

__all__ = ["SqlPendingMedia"]

metadata = MetaData()
pending = Table(
    "pending_media",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("session", String(64), primary_key=True),
    Column("message_id", String(128), primary_key=True),
    Column("chat_jid", String(128), nullable=False),
    Column("mime", String(200), nullable=False),
    Column("media_ref", LargeBinary, nullable=False),
)


class SqlPendingMedia(PendingMediaStore):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    async def open(cls, engine: AsyncEngine) -> "SqlPendingMedia":
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        return cls(engine)

    async def add(self, item: PendingMedia) -> None:
        row = {f: getattr(item, f) for f in item.__struct_fields__}
        async with self._engine.begin() as conn:
            await conn.execute(self._insert(pending).values(**row).on_conflict_do_nothing())

    async def remove(self, tenant: str, session: str, message_id: str) -> None:
        p = pending.c
        where = (p.tenant == tenant, p.session == session, p.message_id == message_id)
        async with self._engine.begin() as conn:
            await conn.execute(delete(pending).where(*where))

    async def of_session(self, tenant: str, session: str) -> list[PendingMedia]:
        stmt = select(pending).where(pending.c.tenant == tenant, pending.c.session == session)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [PendingMedia(**dict(r)) for r in rows]
