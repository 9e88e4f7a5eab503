"""In the service: one running worker process, its pipes, and the calls waiting for answers."""

import asyncio
import itertools
import sys
from collections.abc import Callable

from runtime.logging import get_logger
from services.session.adapters.whatsapp.worker import protocol as p

__all__ = ["WorkerGone", "WorkerProcess"]

log = get_logger("whatsapp.worker")
WORKER_MODULE = "services.session.adapters.whatsapp.worker"
EXIT_GRACE_S = 2.0


class WorkerGone(Exception):
    """The worker process ended before it answered."""


class WorkerProcess:
    def __init__(
        self, proc: asyncio.subprocess.Process, route: Callable[["WorkerProcess", p.Event], None]
    ) -> None:
        self.proc, self._route = proc, route
        self.pid = proc.pid
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[p.Reply]] = {}
        self.ended = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls, config: p.Configure, route: Callable[["WorkerProcess", p.Event], None]
    ) -> "WorkerProcess":
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            WORKER_MODULE,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(proc, route)
        worker.send(config)
        log.info("worker.started", pid=worker.pid)
        return worker

    @property
    def alive(self) -> bool:
        return not self.ended.is_set()

    def send(self, message: p.ToWorker) -> None:
        stdin = self.proc.stdin
        if not self.alive or stdin is None or stdin.is_closing():
            raise WorkerGone(f"worker {self.pid} has ended")
        p.write_frame(stdin, message)

    async def call(self, client: int, op: p.Op, **fields: object) -> p.Reply:
        future: asyncio.Future[p.Reply] = asyncio.get_running_loop().create_future()
        call_id = next(self._ids)
        self._waiting[call_id] = future
        try:
            self.send(p.Call(id=call_id, client=client, op=op, **fields))  # type: ignore[arg-type]
            return await future
        finally:
            self._waiting.pop(call_id, None)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while (frame := await p.read_frame(self.proc.stdout)) is not None:
                match p.from_worker.decode(frame):
                    case p.Reply() as reply:
                        waiting = self._waiting.get(reply.id)
                        if waiting is not None and not waiting.done():
                            waiting.set_result(reply)
                    case p.Event() as event:
                        self._route(self, event)
        except Exception:
            log.exception("worker.bad_frame", pid=self.pid)
        finally:
            await self._reap()

    async def _reap(self) -> None:
        """Dead before anything is told: a process that closed its pipe but lives is killed.
        (Not at once: kill() polls, and would reap it before asyncio learns its exit code.)"""
        try:
            code = await asyncio.wait_for(self.proc.wait(), EXIT_GRACE_S)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        self.ended.set()
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(WorkerGone(f"worker {self.pid} ended (exit {code})"))
        log.warning("worker.ended", pid=self.pid, exit_code=code)

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
        await self.ended.wait()
