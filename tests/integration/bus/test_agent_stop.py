"""Stopping a locked server whose users agent waits on a request no one answers (a cluster
node without its peers has no JetStream leader): the wait is cut short, not waited out."""

from pathlib import Path

from structlog.testing import capture_logs

from runtime.nats_auth.credentials import ensure_service_credentials
from runtime.nats_auth.node import LockedNats
from tests.support.cluster import locked_cluster_nodes
from tests.support.waiting import eventually


async def test_a_stop_cancels_the_agents_unanswered_request(tmp_path: Path) -> None:
    creds = ensure_service_credentials(tmp_path / "data")
    alone = locked_cluster_nodes(3, "alone", "route-secret")[0]  # its two peers never start
    server = LockedNats(tmp_path / "n0", creds, cluster=alone, replicas=3)
    with capture_logs() as logs:
        await server.start()

        async def following() -> bool:  # the agent runs: connecting, or asking for its bucket
            return server._following is not None

        await eventually(following, timeout=30)
        server.stop()
    assert [e for e in logs if e["event"] == "bus_users.agent_failed"] == []
    assert server.exited() and server.agent.applied == 0
