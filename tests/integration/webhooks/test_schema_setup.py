"""Replicas that start together create the tables once between them, on SQLite and PostgreSQL."""

import asyncio

from sqlalchemy import inspect

from runtime.settings import Settings
from services.webhooks.adapters.database import open_webhooks_db


async def test_replicas_starting_together_share_one_database(settings: Settings) -> None:
    engines = await asyncio.gather(
        *(open_webhooks_db(settings.db_url("webhooks")) for _ in range(3))
    )
    try:
        async with engines[0].connect() as conn:
            tables = await conn.run_sync(lambda sync: sorted(inspect(sync).get_table_names()))
        assert {"webhooks", "webhook_deliveries", "webhook_attempts"} <= set(tables)
    finally:
        for engine in engines:
            await engine.dispose()
