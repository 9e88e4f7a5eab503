"""Opening databases, against SQLite files and PostgreSQL: the pragmas, read-only replicas,
the dialect's upsert, ``UtcDateTime``, and adopting the position tables of older versions."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import DBAPIError

from runtime.sql.engine import create_tables, open_engine, upsert
from runtime.sql.tracking import SqlTracking, add_tracking_table, adopt_positions
from runtime.sql.types import UtcDateTime
from tests.integration.runtime.db.backends import emptied

metadata = MetaData()
rows = Table(
    "rows",
    metadata,
    Column("key", String(16), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("note", String(16)),
    Column("at", UtcDateTime),
)


class EngineSuite:
    url: str

    async def test_upsert_inserts_then_overwrites_the_other_columns(self, url: str) -> None:
        engine = open_engine(url)
        await create_tables(engine, metadata)
        async with engine.begin() as conn:
            dialect = conn.dialect.name
            await conn.execute(upsert(dialect, rows, ["key"], {"key": "a", "value": 1}))
            await conn.execute(insert(rows).values(key="b", value=5, note="kept"))
            await conn.execute(upsert(dialect, rows, ["key"], {"key": "a", "value": 2}))
            await conn.execute(upsert(dialect, rows, ["key"], {"key": "b", "value": 6}))
            found = (await conn.execute(select(rows.c.key, rows.c.value, rows.c.note))).all()
        await engine.dispose()
        assert sorted(tuple(r) for r in found) == [("a", 2, None), ("b", 6, "kept")]

    async def test_times_come_back_aware_utc_and_naive_ones_are_refused(self, url: str) -> None:
        engine = open_engine(url)
        await create_tables(engine, metadata)
        at = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(key="t", value=0, at=at))
            back = await conn.scalar(select(rows.c.at))
        with pytest.raises(Exception, match="naive datetime"):
            async with engine.begin() as conn:
                await conn.execute(insert(rows).values(key="n", value=0, at=datetime(2026, 1, 1)))
        await engine.dispose()
        assert back == at and back.tzinfo is UTC

    async def test_a_read_only_engine_reads_but_cannot_write(self, url: str) -> None:
        writer = open_engine(url)
        await create_tables(writer, metadata)
        async with writer.begin() as conn:
            await conn.execute(insert(rows).values(key="w", value=1))
        reader = open_engine(url, read_only=True)
        async with reader.connect() as conn:
            assert await conn.scalar(select(rows.c.value)) == 1
        with pytest.raises(DBAPIError):
            async with reader.begin() as conn:
                await conn.execute(insert(rows).values(key="r", value=2))
        await reader.dispose()
        await writer.dispose()

    async def test_positions_of_an_older_table_are_adopted_once(self, url: str) -> None:
        engine = open_engine(url)
        async with engine.begin() as conn:  # what an older version made
            await conn.execute(
                text(
                    "CREATE TABLE old_positions (name VARCHAR(64) PRIMARY KEY, "
                    "position BIGINT NOT NULL)"
                )
            )
            await conn.execute(text("INSERT INTO old_positions VALUES ('a', 41), ('b', 7)"))
        tables = MetaData()
        add_tracking_table(tables)
        for _ in range(2):  # the second start finds nothing left to adopt
            await create_tables(engine, tables, then=[adopt_positions("old_positions")])
        tracking = SqlTracking(engine)
        assert (await tracking.position("a"), await tracking.position("b")) == (41, 7)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
        await engine.dispose()
        assert "old_positions" not in names


class TestEngineOnSqlite(EngineSuite):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'e.db'}"

    async def test_every_connection_has_the_pragmas(self, url: str) -> None:
        engine = open_engine(url)
        async with engine.connect() as conn:
            values = [
                (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "page_size")
            ]
        await engine.dispose()
        assert values == ["wal", 1, 30000, 8192]


class TestEngineOnPostgres(EngineSuite):
    pytestmark = pytest.mark.postgres

    @pytest.fixture
    async def url(self, postgres_url: str) -> str:
        everything = MetaData()
        add_tracking_table(everything)
        for name in ("rows", "old_positions"):
            Table(name, everything)
        return await emptied(postgres_url, everything)
