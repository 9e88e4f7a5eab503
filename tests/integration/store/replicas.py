"""Store replicas as processes on a locked NATS server (each its own ``WA_INSTANCE_ID``,
all as the ``store`` bus user), and what the test observes of them from outside: which one
holds the projector lease, and how many queries the server delivered to each."""

import contextlib
import json
import urllib.request
from pathlib import Path

from nats.js.errors import KeyNotFoundError

from runtime.bus import Bus, open_bus
from runtime.embedded_nats import free_port
from runtime.nats_auth.credentials import ensure_service_credentials
from runtime.nats_auth.node import LockedNats
from runtime.nats_auth.permissions import OPERATOR
from runtime.settings import load_settings
from services.store.adapters.projector_lease import BUCKET, KEY
from tests.integration.cluster.processes import ServiceProcess

__all__ = ["StoreReplicas"]

QUERIES = "wa.qry.store"


class StoreReplicas:
    def __init__(self, root: Path, db_url: str, count: int, lease_ttl_s: float) -> None:
        self.root = root
        self.credentials = ensure_service_credentials(root / "bus")
        self.nats = LockedNats(root / "nats", self.credentials)
        self.monitor = free_port()
        self.nats.server.extra_args = ["-m", str(self.monitor)]  # /connz: queries per replica
        store = self.credentials["store"]
        self.replicas = {
            f"store-{n}": ServiceProcess(
                "store",
                f"store-{n}",
                {
                    "WA_NATS_URL": self.nats.url,
                    "WA_NATS_USER": store.user,
                    "WA_NATS_PASSWORD": store.password,
                    "WA_STORE_DB_URL": db_url,
                    "WA_DATA_DIR": str(root / f"store-{n}"),
                    "WA_INSTANCE_ID": f"store-{n}",
                    "WA_LEASE_TTL_S": str(lease_ttl_s),
                },
                root / "logs",
            )
            for n in range(1, count + 1)
        }
        self.bus: Bus | None = None

    async def start(self) -> Bus:
        await self.nats.start()
        operator = self.credentials[OPERATOR]
        settings = load_settings(
            {}, nats_url=self.nats.url, nats_user=operator.user, nats_password=operator.password
        )
        self.bus = await open_bus(settings, "replicas-test")  # the operator makes the stream
        for process in self.replicas.values():
            process.start()
        return self.bus

    async def projector(self) -> str | None:
        """The label of the replica holding the projector lease (None: nobody)."""
        assert self.bus is not None
        kv = await self.bus.js.key_value(BUCKET)
        with contextlib.suppress(KeyNotFoundError):
            entry = await kv.get(KEY)
            return entry.value.decode() if entry.value else None
        return None

    def answered(self) -> dict[str, int]:
        """Queries the server delivered to each connected replica (its queue subscription)."""
        url = f"http://127.0.0.1:{self.monitor}/connz?subs=detail&limit=1024"
        with urllib.request.urlopen(url, timeout=5) as resp:
            connz = json.load(resp)
        counts: dict[str, int] = {}
        for conn in connz.get("connections") or []:
            name = str(conn.get("name", "")).removeprefix("store-")
            for sub in conn.get("subscriptions_list_detail") or []:
                if sub.get("subject") == QUERIES:
                    counts[name] = counts.get(name, 0) + int(sub.get("msgs", 0))
        return counts

    def permission_violations(self) -> list[str]:
        log = self.root / "nats" / "nats.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [line for line in lines if "Violation" in line]

    async def stop(self) -> None:
        if self.bus is not None:
            with contextlib.suppress(Exception):
                await self.bus.close()
        for process in self.replicas.values():
            process.stop()
        self.nats.stop()
