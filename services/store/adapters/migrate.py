"""Schema migrations (Alembic): ``upgrade`` brings any store database to the newest schema;
``at_head`` tells a replica that does not migrate whether it may answer queries yet."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["alembic_config", "at_head", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade(engine: AsyncEngine) -> None:
    """Run every pending migration (``alembic upgrade head``) in one transaction."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the database exists and holds the newest schema (read only)."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current) == heads
    except SQLAlchemyError:  # no file yet (a read-only SQLite open fails), no table yet
        return False
