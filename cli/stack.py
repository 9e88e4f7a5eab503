"""The local stack as processes: an embedded NATS server and the services, each its own
process. Used by ``wa up``, and by the end-to-end and fault tests (which kill and restart)."""

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

from runtime.embedded_nats import free_port
from runtime.nats_auth.credentials import Credentials, ensure_service_credentials
from runtime.nats_auth.node import LockedNats
from runtime.nats_auth.permissions import OPERATOR

SERVICES = ("session", "store", "reminder", "webhooks", "gateway")


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
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.services = services
        # Embedded: a locked server, its service users' credentials made on first start
        self.credentials: dict[str, Credentials] = {}
        self.nats: LockedNats | None = None
        if not nats_url:
            self.credentials = ensure_service_credentials(self.data_dir)
            self.nats = LockedNats(self.data_dir / "nats", self.credentials, port=nats_port)
        self.gateway_port = gateway_port or free_port()
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("WA_ADMIN_TOKEN", "adm_" + secrets.token_urlsafe(24))
        self.env["WA_DATA_DIR"] = str(self.data_dir)
        self.env["WA_GATEWAY_PORT"] = str(self.gateway_port)
        self.env["WA_NATS_URL"] = nats_url or (self.nats.url if self.nats else "")
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return f"http://{self.env.get('WA_GATEWAY_HOST', '127.0.0.1')}:{self.gateway_port}"

    @property
    def admin_token(self) -> str:
        return self.env["WA_ADMIN_TOKEN"]

    async def connect_operator(self, **options: object) -> Client:
        """A NATS connection with every permission (tests, tools): the operator's user."""
        creds = self.credentials.get(OPERATOR)
        auth = {"user": creds.user, "password": creds.password} if creds else {}
        servers = self.env["WA_NATS_URL"].split(",")
        return await nats.connect(servers, **auth, **options)

    async def start(self, timeout: float = 30.0) -> None:
        if self.nats:
            await self.nats.start()
        for name in self.services:
            self.start_service(name)
        if "gateway" in self.services:
            await self.wait_gateway(timeout)

    def start_service(self, name: str) -> None:
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"], env=self.env, stdin=subprocess.DEVNULL
        )

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def exited(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

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
