"""``messages.view`` (message_view.py): the migration installs the expression the code builds
today, and the database keeps the column current whatever writes the row."""

import importlib.util
from pathlib import Path
from types import ModuleType

import msgspec
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.queries import MessageView
from services.store.adapters import migrations
from services.store.adapters.message_view import view_sql
from services.store.adapters.projection import SqlProjection
from services.store.adapters.tables import messages
from tests.integration.store.test_lean_reads import edge_cases
from tests.integration.store.test_projection import delivered


def _migration() -> ModuleType:
    path = Path(migrations.__file__).parent / "versions" / "0010_message_view.py"
    spec = importlib.util.spec_from_file_location("message_view_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_installed_expression_is_the_one_the_code_builds() -> None:
    """When MessageView or its columns change, this fails: add a migration installing what
    ``python -m services.store.adapters.message_view`` prints."""
    frozen = _migration()
    assert view_sql("sqlite") == frozen.SQLITE_VIEW
    assert view_sql("postgresql") == frozen.POSTGRES_VIEW


async def _views(engine: AsyncEngine) -> dict[str, MessageView]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(messages.c.message_id, messages.c.view))).all()
    return {mid: msgspec.json.decode(view, type=MessageView) for mid, view in rows}


async def test_no_write_leaves_a_stale_view(engine: AsyncEngine) -> None:
    projection = SqlProjection(engine)
    await projection.apply(delivered(edge_cases()))
    await projection.close()
    before = await _views(engine)
    assert before["photo"].media is not None and before["photo"].media.size == 1234
    async with engine.begin() as conn:  # a write the projection never makes: status by hand
        q1 = messages.c.message_id == "q1"
        await conn.execute(update(messages).where(q1).values(status="failed"))
    after = await _views(engine)
    assert after["q1"].status == "failed" and after["photo"] == before["photo"]
    if engine.dialect.name == "sqlite":  # generated: refused outright
        with pytest.raises(DBAPIError):
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE messages SET view = '{}'"))
    else:  # the trigger writes it again
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE messages SET view = '{}'"))
    assert await _views(engine) == after
