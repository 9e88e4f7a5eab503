"""THE CRASH TEST on SQLite (50,000 events; crash_support.py): SIGKILL at random points while
the store projects, a restart each time, and the tables end identical to a projection that
never crashed."""

import pytest

from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.store.conftest import DbFactory
from tests.integration.store.crash_support import crash_and_compare


@pytest.mark.parametrize("new_db_url", ["sqlite"], indirect=True)
async def test_sigkill_at_random_points_loses_and_doubles_nothing(
    bus: Bus, settings: Settings, new_db_url: DbFactory
) -> None:
    await crash_and_compare(bus, settings, new_db_url)
