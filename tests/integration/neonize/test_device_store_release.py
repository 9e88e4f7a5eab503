"""neonize's Go side opens a new device store for every client it builds and never closes it:
with PostgreSQL the adapter ends each stopped run's connections, so reconnects leak none."""

from datetime import timedelta
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from services.session.adapters.whatsapp.neonize.client import NeonizeClient
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions
from services.session.adapters.whatsapp.neonize.port import NeonizePort
from tests.support.postgres import POSTGRES_URL, scratch_database
from tests.support.waiting import eventually
from tests.unit.neonize.recording import RecordingEvents

RECONNECTS = 50
SMALL_CONSTANT = 3  # the live run's own pool, at most


@pytest.mark.postgres
async def test_fifty_reconnects_leave_no_postgres_connection_behind(tmp_path: Path) -> None:
    async with scratch_database("neonize_store") as url:
        database = make_url(url).database
        options = NeonizeOptions(qr_wait=timedelta(seconds=1), stop_wait=timedelta(seconds=2))
        port = NeonizePort(data_dir=tmp_path, db_url=f"{url}?sslmode=disable", options=options)
        events = RecordingEvents()
        client = port.new_client(tenant="acme", session="s1", events=events)
        assert isinstance(client, NeonizeClient)
        admin = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""))
        counts: list[int] = []
        try:
            for attempt in range(1, RECONNECTS + 1):
                await client.connect()  # the dial fails here, after the store was opened

                async def dropped(n: int = attempt) -> bool:
                    return events.calls.count(("dropped", "connect_failure")) >= n

                await eventually(dropped)
                await client.disconnect()
                query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
                counts.append(await admin.fetchval(query, database))
        finally:
            await admin.close()
            await client.disconnect()
        assert max(counts) <= SMALL_CONSTANT, counts
