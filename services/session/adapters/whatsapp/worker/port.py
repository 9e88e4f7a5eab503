"""The port the session service uses with WA_WHATSAPP=neonize: clients in worker processes.

Sessions are spread over shards of at most ``sessions_per_worker`` clients; each shard is one
supervised worker process. The service keeps its leases and its policies; a worker only runs
neonize clients, so a Go fatal error, a panic or a starved thread pool ends one shard's worker,
never the service.
"""

import asyncio
import itertools

from runtime.logging import get_logger
from runtime.settings import Settings
from services.session.adapters.whatsapp.port import ClientEvents, WhatsAppClient, WhatsAppPort
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.client import WorkerClient
from services.session.adapters.whatsapp.worker.heartbeat import Heartbeat
from services.session.adapters.whatsapp.worker.process import WorkerProcess
from services.session.adapters.whatsapp.worker.supervisor import Supervisor

__all__ = ["WorkerPort"]

log = get_logger("whatsapp.worker")


class WorkerPort(WhatsAppPort):
    """Real WhatsApp through neonize, each client in a supervised worker process."""

    def __init__(
        self,
        config: p.Configure,
        *,
        sessions_per_worker: int = 20,
        restart_base_s: float = 1.0,
        restart_cap_s: float = 60.0,
        call_wait_s: float = 30.0,
        beat: Heartbeat | None = None,
    ) -> None:
        if sessions_per_worker < 1:
            raise ValueError("a neonize worker holds at least one session")
        self.config, self.sessions_per_worker = config, sessions_per_worker
        self._restart = (restart_base_s, restart_cap_s)
        self._wait_s, self._beat = call_wait_s, beat or Heartbeat()
        self.shards: list[Supervisor] = []
        self.clients: dict[int, WorkerClient] = {}
        self._ids = itertools.count(1)

    @classmethod
    def from_settings(cls, settings: Settings) -> "WorkerPort":
        config = p.Configure(
            data_dir=settings.data_dir,
            db_url=settings.neonize_db_url,
            device_name=settings.neonize_device_name,
            threads=settings.neonize_worker_threads,
            leaked_threads_max=settings.neonize_leaked_threads_max,
        )
        beat = Heartbeat(
            every_s=settings.neonize_heartbeat_s, misses=settings.neonize_heartbeat_misses
        )
        return cls(
            config,
            sessions_per_worker=settings.neonize_sessions_per_worker,
            restart_base_s=settings.neonize_restart_base_s,
            restart_cap_s=settings.neonize_restart_cap_s,
            beat=beat,
        )

    def new_client(self, *, tenant: str, session: str, events: ClientEvents) -> WhatsAppClient:
        self._forget_closed()
        client = WorkerClient(
            id=next(self._ids),
            tenant=tenant,
            session=session,
            shard=self._shard_with_room(),
            events=events,
            wait_s=self._wait_s,
        )
        self.clients[client.id] = client
        return client

    def _forget_closed(self) -> None:
        for client_id in [i for i, client in self.clients.items() if client.closed]:
            del self.clients[client_id]

    def _shard_with_room(self) -> Supervisor:
        load = {shard.shard: 0 for shard in self.shards}
        for client in self.clients.values():
            load[client.shard.shard] += 1
        for shard in self.shards:
            if load[shard.shard] < self.sessions_per_worker:
                return shard
        base_s, cap_s = self._restart
        shard = Supervisor(
            shard=len(self.shards),
            config=self.config,
            route=self._route,
            crashed=self._crashed,
            restart_base_s=base_s,
            restart_cap_s=cap_s,
            beat=self._beat,
        )
        self.shards.append(shard)
        return shard

    def _route(self, worker: WorkerProcess, event: p.Event) -> None:
        client = self.clients.get(event.client)
        if client is not None and not client.closed:
            client.deliver(worker, event)
        elif worker.alive:
            worker.send(p.EventDone(id=event.id))

    def _crashed(self, worker: WorkerProcess) -> None:
        hit = [client for client in self.clients.values() if client.worker is worker]
        log.warning("worker.crashed", pid=worker.pid, sessions=len(hit), reason=worker.end_reason)
        for client in hit:
            client.worker_died(worker)

    async def stats(self) -> list[p.Stats]:
        """Per live worker: its clients and its threads in use (of its pool)."""
        out = []
        for shard in self.shards:
            worker = shard.current
            if worker is not None and worker.alive:
                reply = await worker.call(0, "stats")
                if reply.stats is not None:
                    out.append(reply.stats)
        return out

    async def close(self) -> None:
        await asyncio.gather(*(shard.close() for shard in self.shards))
