"""The Alembic migrations create exactly the schema the code declares (tables.py)."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import event_stream
from runtime.consumer import Delivered
from runtime.sql.engine import open_engine
from services.store.adapters.checksum import table_checksums
from services.store.adapters.migrate import alembic_config, upgrade
from services.store.adapters.projection import SqlProjection
from services.store.adapters.tables import metadata
from tests.integration.store.conftest import DbFactory


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


def _downgrade_to_0006(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "0006")


async def test_a_store_made_before_the_tracking_table_keeps_its_position(
    new_db_url: DbFactory,
) -> None:
    """Version 0006 kept the position in ``projection_positions``: the upgrade moves it, so
    the store neither applies an event twice nor skips one."""
    items = [Delivered(i + 1, e) for i, e in enumerate(event_stream(300, seed=5))]
    url, reference_url = await new_db_url(), await new_db_url()
    engine = open_engine(url)
    await upgrade(engine)
    projection = SqlProjection(engine)
    await projection.apply(items[:200])
    await projection.close()
    async with engine.begin() as conn:  # back to the layout the older version ran on
        await conn.run_sync(_downgrade_to_0006)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        old = await conn.scalar(text("SELECT position FROM projection_positions"))
    assert "tracking" not in names and old == 200
    await upgrade(engine)
    projection = SqlProjection(engine)
    assert await projection.position() == 200
    await projection.apply(items[100:])  # redelivered from before the upgrade: 201.. only
    await projection.close()
    reference = open_engine(reference_url)
    await upgrade(reference)
    once = SqlProjection(reference)
    await once.apply(items)
    await once.close()
    try:
        sequence = {"chats": {"sequence"}}  # 0011 gives the rows it finds the position:
        assert await table_checksums(engine, sequence) == await table_checksums(reference, sequence)
        upgraded, applied = await _chat_sequences(engine), await _chat_sequences(reference)
        assert upgraded.keys() == applied.keys()
        assert all(upgraded[k] == (s if s > 200 else 200) for k, s in applied.items())
    finally:
        await engine.dispose()
        await reference.dispose()


async def _chat_sequences(engine: AsyncEngine) -> dict[tuple[str, str, str], int]:
    """Each chat's sequence: every event up to it shows in the chat's row."""
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT tenant, session_id, jid, sequence FROM chats"))
        return {(t, s, j): n for t, s, j, n in rows}
