"""A locked embedded NATS server: only the service users and the issued tenant credentials
may connect, each with its own permissions; an agent thread keeps the user list current."""

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any

import msgspec

from runtime.embedded_nats import EmbeddedNats
from runtime.logging import get_logger
from runtime.nats_auth.agent import UsersAgent
from runtime.nats_auth.credentials import Credentials, service_server_users
from runtime.nats_auth.permissions import AGENT
from runtime.nats_auth.users import write_private
from runtime.nats_conn import connect

__all__ = ["Cluster", "LockedNats"]

log = get_logger(__name__)


class Cluster(msgspec.Struct, frozen=True, kw_only=True):
    """This node's place in a cluster: its route listener, every route, and their secret."""

    server_name: str
    name: str
    listen: str  # host:port of this node's route listener
    routes: list[str]  # nats://host:port of every node (its own is skipped by the server)
    route_password: str = ""  # routes authenticate too: no stranger joins as a server

    def config(self) -> bytes:
        cluster: dict[str, object] = {"name": self.name, "listen": self.listen}
        routes = self.routes
        if self.route_password:
            cluster["authorization"] = {"user": "route", "password": self.route_password}
            routes = [
                url.replace("nats://", f"nats://route:{self.route_password}@") for url in routes
            ]
        cluster["routes"] = routes
        enc = msgspec.json.encode
        return b"server_name: " + enc(self.server_name) + b"\ncluster: " + enc(cluster) + b"\n"


class LockedNats:
    """``nats-server -c server.conf`` (which includes ``users.conf``) plus its users agent."""

    def __init__(
        self,
        data_dir: Path,
        credentials: dict[str, Credentials],
        *,
        port: int = 0,
        cluster: Cluster | None = None,
        replicas: int = 1,
        host: str = "127.0.0.1",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.config = self.data_dir / "server.conf"
        self.cluster = cluster  # in the file, not flags: a reload re-reads only the file
        self.server = EmbeddedNats(self.data_dir, port, config=self.config, host=host)
        self.agent = UsersAgent(
            service_server_users(credentials), self.data_dir / "users.conf", self.server.reload
        )
        self._credentials = credentials[AGENT]
        self._replicas = replicas
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._following: tuple[asyncio.AbstractEventLoop, asyncio.Task[Any] | None] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    async def start(self, timeout: float = 15.0) -> None:
        clustered = self.cluster.config() if self.cluster else b""
        write_private(self.config, clustered + b'include "users.conf"\n')
        self.agent.write()
        await self.server.start(timeout)
        self._stop.clear()
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._follow(),), name="bus-users-agent", daemon=True
        )
        self._thread.start()

    async def _follow(self) -> None:
        """Follow the credentials bucket until stopped, reconnecting after any failure."""
        self._following = (asyncio.get_running_loop(), asyncio.current_task())
        with contextlib.suppress(asyncio.CancelledError):  # stopped while it waited
            await self._follow_until_stopped()

    async def _follow_until_stopped(self) -> None:
        while not self._stop.is_set():
            try:
                nc = await connect(self.url, AGENT, self._credentials)
                try:
                    await self.agent.run(nc.jetstream(), self._stop, self._replicas)
                finally:
                    with contextlib.suppress(Exception):
                        await nc.close()
            except Exception as exc:  # logged, then tried again
                if self._stop.is_set():  # it failed because it is stopping: nothing to report
                    return
                log.warning("bus_users.agent_failed", error=repr(exc))
                await asyncio.sleep(0.5)

    def exited(self) -> bool:
        return self.server.exited()

    def stop(self, kill: bool = False) -> None:
        self._stop.set()
        self._interrupt_agent()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.server.stop(kill=kill)

    def _interrupt_agent(self) -> None:
        """Cancel whatever the agent awaits (a request to a cluster that lost its quorum waits
        out its timeout; a connect retries): stopping does not wait for it."""
        following, self._following = self._following, None
        if following is not None and following[1] is not None:
            with contextlib.suppress(RuntimeError):  # its loop has already ended
                following[0].call_soon_threadsafe(following[1].cancel)
