"""Fixtures of the reminder integration tests: the stand-in session service on a real NATS."""

from collections.abc import AsyncIterator

import pytest

from runtime.bus import Bus
from tests.integration.reminder.standin import StandInSession


@pytest.fixture
async def standin(bus: Bus) -> AsyncIterator[StandInSession]:
    session = StandInSession(bus)
    await session.start()
    yield session
    await session.stop()
