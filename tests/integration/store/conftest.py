"""One suite, two databases: every test taking ``db_url`` runs on SQLite and on PostgreSQL.

PostgreSQL: ``WA_TEST_POSTGRES_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``);
each test gets an emptied database (made once per run, dropped at its end).
Unreachable: the PostgreSQL cases skip, saying why.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from runtime.sql.engine import open_engine
from services.store.adapters.migrate import upgrade
from tests.support.postgres import POSTGRES_URL


async def _admin_engine() -> AsyncEngine | str:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("select 1"))
    except Exception as exc:  # any failure to reach it means: skip, saying why
        await engine.dispose()
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}: {exc})"
    return engine


async def fresh_postgres() -> str:
    """The URL of a new empty database on the test server, or why there is none."""
    admin = await _admin_engine()
    if isinstance(admin, str):
        return admin
    name = f"wa_store_{uuid.uuid4().hex[:12]}"
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(False)


async def drop_postgres(urls: list[str]) -> None:
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        for url in urls:
            name = make_url(url).database
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def _emptied(url: str) -> str:
    """The same database with an empty ``public`` schema (much faster than a new database)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url


class PostgresPool:
    """Databases made once per test run, emptied before each use, dropped at the end."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self.unreachable: str | None = None

    async def take(self, index: int) -> str:
        while len(self.made) <= index:
            fresh = await fresh_postgres()
            if not fresh.startswith("postgresql"):
                self.unreachable = fresh
                pytest.skip(fresh)
            self.made.append(fresh)
        return await _emptied(self.made[index])


_pool = PostgresPool()


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_databases() -> Iterator[None]:
    yield
    if _pool.made:
        asyncio.run(drop_postgres(_pool.made))


DbFactory = Callable[[], Awaitable[str]]


@pytest.fixture(params=["sqlite", "postgresql"])
async def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> DbFactory:
    """Makes fresh, empty store databases of one kind (each test runs with both kinds)."""
    if request.param == "postgresql" and _pool.unreachable:
        pytest.skip(_pool.unreachable)
    handed_out = 0

    async def make() -> str:
        nonlocal handed_out
        handed_out += 1
        if request.param == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / f'store-{handed_out}.db'}"
        return await _pool.take(handed_out - 1)

    return make


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
