"""Fixtures shared by every test layer: a real NATS server on a free port, and the bus."""

import os

# Tests import neonize's protobuf types directly (which loads its Go layer); as in the service,
# the Go layer must see the bot tag off when it loads.
os.environ["NEONIZE_BOT_TAG"] = "off"
# bcrypt's cost guards a stolen users.conf, which a test's throwaway bus does not need: at the
# minimum cost the service users of a stack this process (or a process it starts) runs are
# hashed in milliseconds, not seconds (seven, at cost 10, on a loaded machine), and nats-server
# checks every connection as fast. Set before runtime.nats_auth.users reads it (at import).
os.environ.setdefault("WA_BCRYPT_ROUNDS", "4")

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from runtime.bus import Bus, open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.settings import Settings, load_settings


@pytest.fixture
async def nats_server(tmp_path: Path) -> AsyncIterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "nats")
    await server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(nats_server: EmbeddedNats, tmp_path: Path) -> Settings:
    return load_settings({}, nats_url=nats_server.url, data_dir=str(tmp_path / "data"))


@pytest.fixture
async def bus(settings: Settings) -> AsyncIterator[Bus]:
    opened = await open_bus(settings, "test")
    yield opened
    await opened.close()


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
