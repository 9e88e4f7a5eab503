"""A locked NATS server (and a locked 3-node cluster) as ``wa up`` and compose run them."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runtime.nats_auth.credentials import Credentials, ensure_service_credentials
from runtime.nats_auth.node import LockedNats
from tests.support.cluster import locked_cluster_nodes


@pytest.fixture
def creds(tmp_path: Path) -> dict[str, Credentials]:
    return ensure_service_credentials(tmp_path / "data")


@pytest.fixture
async def locked(tmp_path: Path, creds: dict[str, Credentials]) -> AsyncIterator[LockedNats]:
    server = LockedNats(tmp_path / "nats", creds)
    await server.start()
    yield server
    server.stop()


@pytest.fixture
async def locked_cluster(
    tmp_path: Path, creds: dict[str, Credentials]
) -> AsyncIterator[list[LockedNats]]:
    nodes = [
        LockedNats(tmp_path / f"n{i}", creds, cluster=node, replicas=3)
        for i, node in enumerate(locked_cluster_nodes(3, "locked", "route-secret"))
    ]
    for node in nodes:
        await node.start()
    yield nodes
    for node in nodes:
        node.stop()
