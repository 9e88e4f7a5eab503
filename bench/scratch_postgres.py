"""A scratch PostgreSQL database for a bench stack, on ``WA_TEST_POSTGRES_URL``'s server."""

import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["POSTGRES_URL", "scratch_postgres"]

POSTGRES_URL = os.environ.get(
    "WA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@asynccontextmanager
async def scratch_postgres() -> AsyncIterator[str | None]:
    """A new database on the PostgreSQL server (dropped after), or None when unreachable."""
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"wa_bench_{uuid.uuid4().hex[:10]}"
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach it: the row says so
        print(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc!r}", file=sys.stderr)
        await admin.dispose()
        yield None
        return
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
