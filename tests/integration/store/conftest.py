"""One suite, two databases: every test taking ``db_url`` runs on SQLite and on PostgreSQL.

PostgreSQL: ``WA_TEST_POSTGRES_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``);
each test gets a fresh database, dropped afterwards. Unreachable: the PostgreSQL case skips.
"""

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.store.adapters.database import open_engine
from services.store.adapters.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "WA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


async def _admin_engine() -> AsyncEngine | str:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("select 1"))
    except Exception as exc:  # any failure to reach it means: skip, saying why
        await engine.dispose()
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}: {exc})"
    return engine


async def fresh_postgres() -> tuple[str, AsyncEngine] | str:
    """A new empty database on the test server: (its URL, an admin engine to drop it)."""
    admin = await _admin_engine()
    if isinstance(admin, str):
        return admin
    name = f"wa_store_{uuid.uuid4().hex[:12]}"
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(POSTGRES_URL).set(database=name).render_as_string(False), admin


async def drop_postgres(url: str, admin: AsyncEngine) -> None:
    name = make_url(url).database
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


DbFactory = Callable[[], Awaitable[str]]


@pytest.fixture(params=["sqlite", "postgresql"])
async def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DbFactory]:
    """Makes fresh, empty store databases of one kind (each test runs with both kinds)."""
    made: list[tuple[str, AsyncEngine]] = []
    if request.param == "postgresql":
        probe = await _admin_engine()
        if isinstance(probe, str):
            pytest.skip(probe)
        await probe.dispose()

    async def make() -> str:
        if request.param == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / f'store-{uuid.uuid4().hex[:8]}.db'}"
        fresh = await fresh_postgres()
        assert not isinstance(fresh, str), fresh
        made.append(fresh)
        return fresh[0]

    yield make
    for url, admin in made:
        await drop_postgres(url, admin)


@pytest.fixture
async def db_url(new_db_url: DbFactory) -> str:
    """The URL of a fresh, empty store database."""
    return await new_db_url()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated store database."""
    opened = open_engine(db_url)
    await upgrade(opened)
    yield opened
    await opened.dispose()
