"""The Alembic migrations create exactly the schema the code declares (tables.py)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from services.store.adapters.database import open_engine
from services.store.adapters.migrate import upgrade
from services.store.adapters.tables import metadata


def _differences(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_migrations_create_the_declared_schema(db_url: str) -> None:
    engine: AsyncEngine = open_engine(db_url)
    try:
        await upgrade(engine)
        await upgrade(engine)  # a second start changes nothing
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(metadata.tables) <= names
        assert "alembic_version" in names
    finally:
        await engine.dispose()
