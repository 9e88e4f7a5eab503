"""A locked embedded NATS server: only the service users and the issued tenant credentials
may connect, each with its own permissions; an agent thread keeps the user list current."""

import asyncio
import contextlib
import threading
from pathlib import Path

from runtime.embedded_nats import EmbeddedNats
from runtime.logging import get_logger
from runtime.nats_auth.agent import UsersAgent
from runtime.nats_auth.credentials import Credentials, service_server_users
from runtime.nats_auth.permissions import AGENT
from runtime.nats_auth.users import write_private
from runtime.nats_conn import connect

__all__ = ["LockedNats"]

log = get_logger(__name__)


class LockedNats:
    """``nats-server -c server.conf`` (which includes ``users.conf``) plus its users agent."""

    def __init__(
        self,
        data_dir: Path,
        credentials: dict[str, Credentials],
        *,
        port: int = 0,
        extra_args: list[str] | None = None,
        replicas: int = 1,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.config = self.data_dir / "server.conf"
        self.server = EmbeddedNats(self.data_dir, port, extra_args, config=self.config)
        self.agent = UsersAgent(
            service_server_users(credentials), self.data_dir / "users.conf", self.server.reload
        )
        self._credentials = credentials[AGENT]
        self._replicas = replicas
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    async def start(self, timeout: float = 15.0) -> None:
        write_private(self.config, b'include "users.conf"\n')
        self.agent.write()
        await self.server.start(timeout)
        self._stop.clear()
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._follow(),), name="bus-users-agent", daemon=True
        )
        self._thread.start()

    async def _follow(self) -> None:
        """Follow the credentials bucket until stopped, reconnecting after any failure."""
        while not self._stop.is_set():
            try:
                nc = await connect(self.url, AGENT, self._credentials)
                try:
                    await self.agent.run(nc.jetstream(), self._stop, self._replicas)
                finally:
                    with contextlib.suppress(Exception):
                        await nc.close()
            except Exception as exc:  # logged, then tried again
                log.warning("bus_users.agent_failed", error=repr(exc))
                await asyncio.sleep(0.5)

    def exited(self) -> bool:
        return self.server.exited()

    def stop(self, kill: bool = False) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.server.stop(kill=kill)
