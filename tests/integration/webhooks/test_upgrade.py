"""A webhooks database made before the runtime kit (``webhook_positions``) opens with its
position kept: the fan-out neither queues an event's deliveries twice nor skips one."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.webhooks.adapters.database import open_webhooks_db
from services.webhooks.adapters.fan_out import CONSUMER, DeliveryFanOut
from tests.support.databases import KINDS, database_url, legacy_positions, table_names


@pytest.fixture(params=KINDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "webhooks_upgrade") as url:
        yield url


async def test_an_older_database_keeps_its_position(db_url: str) -> None:
    await legacy_positions(db_url, "webhook_positions", {CONSUMER: 17})
    for _ in range(2):  # the second start finds nothing left to adopt
        engine = await open_webhooks_db(db_url)
        fan_out = DeliveryFanOut(engine, clock_ms=lambda: 0, on_queued=lambda: None)
        assert await fan_out.position() == 17
        await engine.dispose()
    assert "webhook_positions" not in await table_names(db_url)
