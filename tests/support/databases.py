"""Databases for a test that runs on SQLite and PostgreSQL, and the position tables the
versions before the runtime kit made (to test upgrading them)."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table, insert, inspect

from runtime.sql.engine import open_engine
from tests.support.postgres import scratch_database

__all__ = ["KINDS", "database_url", "legacy_positions", "table_names"]

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
"""``pytest.fixture(params=KINDS)``: one case per kind (PostgreSQL skips when unreachable)."""


@asynccontextmanager
async def database_url(kind: str, tmp_path: Path, name: str) -> AsyncIterator[str]:
    """A new empty database of ``kind``: a file under ``tmp_path``, or a scratch database."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / name}.db"
        return
    async with scratch_database(f"wa_{name}") as url:
        yield url


async def legacy_positions(url: str, table: str, positions: Mapping[str, int]) -> None:
    """A position table as the older versions declared theirs (``name``, ``position``)."""
    old = Table(
        table,
        MetaData(),
        Column("name", String(64), primary_key=True),
        Column("position", BigInteger, nullable=False),
    )
    engine = open_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(old.metadata.create_all)
        for name, position in positions.items():
            await conn.execute(insert(old).values(name=name, position=position))
    await engine.dispose()


async def table_names(url: str) -> set[str]:
    engine = open_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names
