"""A real 3-node NATS cluster on loopback, for one test."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.cluster import NatsCluster


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[NatsCluster]:
    nodes = NatsCluster(tmp_path / "nats")
    await nodes.start()
    yield nodes
    nodes.stop()
