"""Ending one neonize client run so that nothing of it outlives the stop.

Stop is repeated while the run's Go call has not returned, and sent once more after it has
returned, when nothing of it can register any more. A Stop or a run that does not come back
within ``stop_wait`` is counted as stuck (``NeonizeOptions.leaked_threads``) until it does.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from neonize.aioze.client import NewAClient

from services.session.adapters.whatsapp.neonize.go_maps import go_maps
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions

__all__ = ["RunStopper"]

Call = Callable[..., Awaitable[Any]]


class RunStopper:
    def __init__(self, *, options: NeonizeOptions, call: Call, log: Any) -> None:
        self._options, self._call, self._log = options, call, log

    async def stop(self, neo: NewAClient, release: Callable[[], Awaitable[None]]) -> None:
        """Stop the run; ``release`` runs once its Go call has returned (now or later)."""
        run = neo.connect_task
        if run is not None and not await self._stopped(neo, run):
            self._options.note_stuck(run)
            self._log.warning("neonize.worker_still_blocked", hint="neonize blocks while pairing")
            run.add_done_callback(lambda _: self._end_late(neo, release))
            return
        await self._after_run(neo, release)

    async def _stopped(self, neo: NewAClient, run: "asyncio.Future[object]") -> bool:
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + self._options.stop_wait.total_seconds(), 0.05
        while True:
            await self._stop_once(neo)
            left = deadline - loop.time()
            if run.done() or left <= 0:
                return run.done()
            await asyncio.wait({run}, timeout=min(pause, left))
            if run.done():
                return True
            pause *= 2

    async def _after_run(self, neo: NewAClient, release: Callable[[], Awaitable[None]]) -> None:
        await self._stop_once(neo, final=True)
        await release()

    async def _stop_once(self, neo: NewAClient, **fields: object) -> None:
        """One Go Stop, under the Go maps' lock; one that does not return within
        ``stop_wait`` (whatsmeow waits for a dial in progress) is stuck until it does."""
        async with go_maps().stopping():
            stop = asyncio.ensure_future(self._call("stop", neo.stop(), **fields))
            await asyncio.wait({stop}, timeout=self._options.stop_wait.total_seconds())
            if not stop.done():
                self._options.note_stuck(stop)
                self._log.warning("neonize.stop_still_blocked")
            await stop

    def _end_late(self, neo: NewAClient, release: Callable[[], Awaitable[None]]) -> None:
        self._log.info("neonize.stuck_run_ended")
        task = asyncio.get_running_loop().create_task(self._after_run(neo, release))
        self._options.late_ends.add(task)
        task.add_done_callback(self._options.late_ends.discard)
