"""The scale-out deployment on loopback: a 3-node NATS cluster, a store, and session-service
instances as processes, configured as docker-compose.yml configures them (all nodes in
WA_NATS_URL, WA_STREAM_REPLICAS=3, a WA_INSTANCE_ID each, a data folder each, one shared
simulator "WhatsApp server")."""

import asyncio
import contextlib
from pathlib import Path

from runtime.bus import Bus, open_bus
from runtime.settings import load_settings
from tests.integration.cluster.processes import ServiceProcess
from tests.support.cluster import NatsCluster
from tests.support.waiting import eventually

FAST = {
    "WA_RECONNECT_BASE_S": "0.05",
    "WA_RECONNECT_CAP_S": "0.2",
    "WA_SIM_QR_TTL_S": "30",
}


class Deployment:
    def __init__(self, root: Path, instances: list[str], lease_ttl_s: float) -> None:
        self.root = root
        self.cluster = NatsCluster(root / "nats")
        common = {"WA_NATS_URL": self.cluster.url, "WA_STREAM_REPLICAS": "3", **FAST}
        shared_simulator = root / "simulator"
        shared_simulator.mkdir(parents=True)
        self.sessions: list[ServiceProcess] = []
        for name in instances:
            data = root / name
            data.mkdir()
            (data / "simulator").symlink_to(shared_simulator, target_is_directory=True)
            env = {
                **common,
                "WA_INSTANCE_ID": name,
                "WA_DATA_DIR": str(data),
                "WA_LEASE_TTL_S": str(lease_ttl_s),
            }
            self.sessions.append(ServiceProcess("session", name, env, root / "logs"))
        store_env = {
            **common,
            "WA_DATA_DIR": str(root / "store"),
            "WA_STORE_DB_URL": f"sqlite+aiosqlite:///{root / 'store' / 'store.db'}",
        }
        self.store = ServiceProcess("store", "store", store_env, root / "logs")
        self.bus: Bus | None = None

    async def start(self) -> Bus:
        await self.cluster.start()
        self.bus = await open_bus(
            load_settings({}, nats_url=self.cluster.url, stream_replicas=3), "cluster-test"
        )
        for process in [self.store, *self.sessions]:
            process.start()
        for process in self.sessions:
            await self.wait_logged(process, "session.ready", timeout=30)
        await self.wait_logged(self.store, "service.starting", timeout=30)
        await eventually(self._store_answers, timeout=30)
        return self.bus

    async def wait_logged(self, process: ServiceProcess, event: str, timeout: float) -> None:
        async def logged() -> bool:
            assert process.alive, f"{process.label} exited: {process.log_path.read_text()[-3000:]}"
            return any(line.get("event") == event for line in process.all_lines())

        await eventually(logged, timeout=timeout, interval=0.1)

    async def _store_answers(self) -> bool:
        assert self.bus is not None
        try:
            await self.bus.nc.request("wa.ping.store", b"", timeout=0.5)
            return True
        except Exception:
            return False

    async def stop(self) -> None:
        if self.bus is not None:
            # a node may be gone; the connection is dropped with the cluster anyway
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.bus.close(), 5)
        for process in [*self.sessions, self.store]:
            process.stop()
        self.cluster.stop()
