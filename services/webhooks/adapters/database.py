"""The webhooks database, opened by the runtime kit: tables created if missing (replicas
starting together race harmlessly), the position table of older versions adopted."""

from sqlalchemy.ext.asyncio import AsyncEngine

from runtime.sql.engine import create_tables, open_engine
from runtime.sql.tracking import adopt_positions
from services.webhooks.adapters.tables import metadata

__all__ = ["open_webhooks_db"]


async def open_webhooks_db(url: str) -> AsyncEngine:
    engine = open_engine(url)
    await create_tables(engine, metadata, then=[adopt_positions("webhook_positions")])
    return engine
