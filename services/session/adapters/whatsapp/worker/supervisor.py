"""Keeps one worker process of a shard running: restarts it with capped backoff when it ends.

The old process is dead and reaped before anyone is told and before the next one starts, so
no session ever has two live clients, one in a dying worker and one in its replacement. A
worker whose stuck Go threads reach ``leaked_threads_max`` (its Pongs say) is recycled: ended
on purpose and replaced at once, without a backoff.
"""

import asyncio
from collections.abc import Callable

from runtime.logging import get_logger
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.heartbeat import Heartbeat
from services.session.adapters.whatsapp.worker.process import WorkerProcess

__all__ = ["Supervisor", "WorkerUnavailable"]

log = get_logger("whatsapp.worker")


class WorkerUnavailable(Exception):
    """No worker process of this shard came up in time."""


class Supervisor:
    def __init__(
        self,
        *,
        shard: int,
        config: p.Configure,
        route: Callable[[WorkerProcess, p.Event], None],
        crashed: Callable[[WorkerProcess], None],
        restart_base_s: float,
        restart_cap_s: float,
        beat: Heartbeat | None = None,
    ) -> None:
        self.shard, self._config, self._route, self._crashed = shard, config, route, crashed
        self._base, self._cap, self._beat = restart_base_s, restart_cap_s, beat
        self.current: WorkerProcess | None = None
        self.restarts = 0
        self._up = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def running(self, timeout: float) -> WorkerProcess:
        """The live worker; one that just ended or is being recycled is never handed out."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self._up.wait()
                    if self.current is not None and self.current.accepting:
                        return self.current
                    await asyncio.sleep(0)  # ended: the loop below is about to clear _up
        except TimeoutError:
            raise WorkerUnavailable(f"no neonize worker for shard {self.shard}") from None

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                worker = await WorkerProcess.start(
                    self._config, self._route, self._beat, self._ponged
                )
            except OSError:
                log.exception("worker.start_failed", shard=self.shard)
            else:
                started = asyncio.get_running_loop().time()
                self.current = worker
                self._up.set()
                await worker.ended.wait()
                self._up.clear()
                self.restarts += 1
                self._crashed(worker)
                if asyncio.get_running_loop().time() - started > self._cap:
                    failures = 0  # it had run well: a new crash starts the backoff again
                if worker.end_reason == "worker_recycled":
                    continue  # ended on purpose: its replacement starts at once
            failures += 1
            delay = min(self._cap, self._base * 2 ** (failures - 1))
            log.warning("worker.restarting", shard=self.shard, in_s=delay, restarts=self.restarts)
            await asyncio.sleep(delay)  # the backoff itself, not a wait for a condition

    def _ponged(self, worker: WorkerProcess) -> None:
        if worker.beats.leaked_threads >= self._config.leaked_threads_max:
            worker.recycle()

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        if self.current is not None:
            await self.current.kill()
