"""A real 3-node NATS cluster with JetStream on loopback: three nats-server processes."""

import asyncio
from pathlib import Path

from runtime.embedded_nats import EmbeddedNats, free_port


class NatsCluster:
    def __init__(self, data_dir: Path, size: int = 3, name: str = "wa") -> None:
        self.names = [f"{name}-n{i}" for i in range(size)]
        cluster_ports = [free_port() for _ in range(size)]
        routes = ",".join(f"nats://127.0.0.1:{port}" for port in cluster_ports)
        self.nodes = [
            EmbeddedNats(
                data_dir / f"n{i}",
                extra_args=[
                    "--name",
                    self.names[i],
                    "--cluster_name",
                    name,
                    "--cluster",
                    f"nats://127.0.0.1:{cluster_ports[i]}",
                    "--routes",
                    routes,
                ],
            )
            for i in range(size)
        ]

    @property
    def url(self) -> str:
        """Every node's URL, comma-separated (WA_NATS_URL accepts that)."""
        return ",".join(node.url for node in self.nodes)

    async def start(self) -> None:
        await asyncio.gather(*(node.start() for node in self.nodes))

    def kill(self, server_name: str) -> None:
        """SIGKILL one node, by its server name (as JetStream reports a stream's leader)."""
        self.nodes[self.names.index(server_name)].stop(kill=True)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
