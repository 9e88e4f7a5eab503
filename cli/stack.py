"""The local stack as processes: an embedded NATS server and the services, each its own
process. Used by ``wa up`` (supervised: a service that exits is restarted), and by the
end-to-end and fault tests (which kill and restart, or let the supervisor restart)."""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import aiohttp
import nats
from nats.aio.client import Client

from cli.private_files import PRIVATE_UMASK, make_private
from cli.supervision import RestartPolicy, Supervisor
from runtime.embedded_nats import free_port
from runtime.nats_auth.credentials import Credentials, ensure_service_credentials
from runtime.nats_auth.node import LockedNats
from runtime.nats_auth.permissions import OPERATOR
from runtime.settings import from_env

SERVICES = ("session", "store", "reminder", "webhooks", "gateway")


def with_store_replicas(services: tuple[str, ...], readers: int) -> tuple[str, ...]:
    """``store`` and then ``store-2`` … ``store-<readers>``: the store's query replicas (each
    answers queries; the projector lease picks the one that projects)."""
    if "store" not in services:
        return services
    at = services.index("store") + 1
    extra = tuple(f"store-{n}" for n in range(2, max(readers, 1) + 1))
    return services[:at] + extra + services[at:]


def module_of(name: str) -> str:
    """The module a process of the stack runs: ``store-2`` runs ``services.store``."""
    return f"services.{name.partition('-')[0]}"


class LocalStack:
    def __init__(
        self,
        data_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        nats_url: str = "",
        nats_port: int = 0,
        gateway_port: int = 0,
        services: tuple[str, ...] = SERVICES,
        supervise: bool = False,
        store_readers: int = 1,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.services = with_store_replicas(services, store_readers)
        # Embedded: a locked server, its service users' credentials made on first start
        self.credentials: dict[str, Credentials] = {}
        self.nats: LockedNats | None = None
        if not nats_url:
            self.credentials = ensure_service_credentials(self.data_dir)
            self.nats = LockedNats(self.data_dir / "nats", self.credentials, port=nats_port)
        self.gateway_port = gateway_port or free_port()
        self.env = dict(os.environ if env is None else env)
        self.admin_token_generated = not self.env.get("WA_ADMIN_TOKEN")
        if self.admin_token_generated:
            self.env["WA_ADMIN_TOKEN"] = "adm_" + secrets.token_urlsafe(24)
        self.env["WA_DATA_DIR"] = str(self.data_dir)
        self.env["WA_GATEWAY_PORT"] = str(self.gateway_port)
        self.env["WA_NATS_URL"] = nats_url or (self.nats.url if self.nats else "")
        self.env["NEONIZE_BOT_TAG"] = "off"  # read by neonize's Go layer when it loads
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        policy = from_env(RestartPolicy, "WA_RESTART_", self.env)
        self.supervisor = Supervisor(self.procs, self.start_service, policy) if supervise else None
        self._supervising: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.env.get('WA_GATEWAY_HOST', '127.0.0.1')}:{self.gateway_port}"

    @property
    def admin_token(self) -> str:
        return self.env["WA_ADMIN_TOKEN"]

    def permission_violations(self) -> list[str]:
        """What the embedded server refused to a connected user (its log): a service whose
        permissions miss something it does shows up here."""
        log = self.data_dir / "nats" / "nats.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [
            line
            for line in lines
            if "Publish Violation" in line or "Subscription Violation" in line
        ]

    async def connect_operator(self, **options: object) -> Client:
        """A NATS connection with every permission (tests, tools): the operator's user."""
        creds = self.credentials.get(OPERATOR)
        auth = {"user": creds.user, "password": creds.password} if creds else {}
        servers = self.env["WA_NATS_URL"].split(",")
        return await nats.connect(servers, **auth, **options)

    async def start(self, timeout: float = 30.0) -> None:
        """Start NATS and the services; a start that fails (a service exits, the gateway is not
        ready in time, the caller is cancelled) stops what it started before it raises."""
        make_private(self.data_dir)
        try:
            if self.nats:
                await self.nats.start()
            for name in self.services:
                self.start_service(name)
            if "gateway" in self.services:
                await self.wait_gateway(timeout)
        except BaseException:
            self.stop()
            raise
        if self.supervisor:  # from here on, not at start-up: a service that cannot start fails it
            self._supervising = asyncio.create_task(self.supervisor.run())

    def start_service(self, name: str) -> None:
        """Start the service's process, unless it is running."""
        if name in self.procs and self.procs[name].poll() is None:
            return
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", module_of(name)],
            env=self._env_of(name),
            stdin=subprocess.DEVNULL,
            umask=PRIVATE_UMASK,
        )

    def _env_of(self, name: str) -> dict[str, str]:
        """A store replica is named by its process name: restarted, it takes its projector
        lease back at once (a new name would wait for the old lease to expire)."""
        if module_of(name) == "services.store":
            return {**self.env, "WA_INSTANCE_ID": name}
        return self.env

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def exited(self) -> list[str]:
        """Services that ended and are not coming back (supervised: those given up)."""
        ended = [name for name, proc in self.procs.items() if proc.poll() is not None]
        if self.supervisor and self._supervising:
            return [name for name in ended if name in self.supervisor.given_up()]
        return ended

    async def wait_gateway(self, timeout: float) -> None:
        """Wait until ``/readyz`` says NATS and every service answer."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with aiohttp.ClientSession() as http:
            while loop.time() < deadline:
                if self.exited():
                    raise RuntimeError(f"service(s) exited during start-up: {self.exited()}")
                try:
                    async with http.get(self.url + "/readyz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError("the stack did not become ready")

    def stop(self) -> dict[str, int]:
        """Stop every service (SIGTERM, then SIGKILL after 10 s), then NATS; exit codes."""
        if self.supervisor:
            self.supervisor.halt()
        if self._supervising:
            self._supervising.cancel()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        codes: dict[str, int] = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = proc.wait()
        if self.nats:
            self.nats.stop()
        return codes
