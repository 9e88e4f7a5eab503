"""Fixtures of the neonize tests: dials to WhatsApp held open by a proxy that never answers."""

from collections.abc import AsyncIterator

import pytest

from tests.integration.neonize.held_dial import HeldDials, held_dials


@pytest.fixture
async def dials(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HeldDials]:
    async with held_dials(monkeypatch) as held:
        yield held
