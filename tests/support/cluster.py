"""A real 3-node NATS cluster with JetStream on loopback: three nats-server processes."""

import asyncio
from pathlib import Path

from runtime.embedded_nats import EmbeddedNats, free_port
from runtime.nats_auth.node import Cluster


def cluster_args(size: int, name: str) -> list[list[str]]:
    """Each node's flags: its server name, the cluster's name, its route port, every route."""
    ports = [free_port() for _ in range(size)]
    routes = ",".join(f"nats://127.0.0.1:{port}" for port in ports)
    flags = [["--cluster", f"nats://127.0.0.1:{port}", "--routes", routes] for port in ports]
    return [["--name", f"{name}-n{i}", "--cluster_name", name, *flags[i]] for i in range(size)]


def locked_cluster_nodes(size: int, name: str, route_password: str) -> list[Cluster]:
    """The same cluster as ``cluster_args``, as config for locked servers (with route auth)."""
    ports = [free_port() for _ in range(size)]
    routes = [f"nats://127.0.0.1:{port}" for port in ports]
    return [
        Cluster(
            server_name=f"{name}-n{i}",
            name=name,
            listen=f"127.0.0.1:{ports[i]}",
            routes=routes,
            route_password=route_password,
        )
        for i in range(size)
    ]


class NatsCluster:
    def __init__(self, data_dir: Path, size: int = 3, name: str = "wa") -> None:
        self.names = [f"{name}-n{i}" for i in range(size)]
        self.nodes = [
            EmbeddedNats(data_dir / f"n{i}", extra_args=args)
            for i, args in enumerate(cluster_args(size, name))
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
