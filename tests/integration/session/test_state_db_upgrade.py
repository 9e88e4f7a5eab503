"""A session projection made before the runtime kit (its ``positions`` table) opens with its
position kept, so start-up neither replays the log nor skips the events after it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from contracts.envelope import make_event
from contracts.events import SessionCreated
from runtime.consumer import Delivered
from services.session.adapters.state_db import open_state_db
from tests.support.databases import KINDS, database_url, legacy_positions, table_names


@pytest.fixture(params=KINDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "session_upgrade") as url:
        yield url


async def test_an_older_projection_keeps_its_position(db_url: str) -> None:
    await legacy_positions(db_url, "positions", {"session": 9})
    db = await open_state_db(db_url)
    assert await db.position() == 9
    created = make_event(SessionCreated(name="n"), tenant="t1", session="s1")
    await db.apply([Delivered(10, created)])
    await db.close()
    again = await open_state_db(db_url)  # the second start finds nothing left to adopt
    assert await again.position() == 10
    state = await again.load("s1")
    await again.close()
    assert state is not None and state.tenant == "t1"
    assert "positions" not in await table_names(db_url)
