"""A scratch PostgreSQL database for a test: made on the test server, dropped afterwards.

``WA_TEST_POSTGRES_URL`` (default: the local server, database ``test``); when no database
can be made there, the test is skipped, saying why.
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["POSTGRES_URL", "scratch_database"]

POSTGRES_URL = os.environ.get(
    "WA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@asynccontextmanager
async def scratch_database(prefix: str) -> AsyncIterator[str]:
    """The URL of a new empty database named ``<prefix>_<random>``."""
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable or not allowed: skip, saying why
        await admin.dispose()
        pytest.skip(f"PostgreSQL not usable at {POSTGRES_URL} ({type(exc).__name__}: {exc})")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
